import type { Localized } from '../locale.ts';
import type { ProcessEvent } from './process-events.ts';
import {
  byWhom,
  channelsSaid,
  clause,
  euros,
  localized,
  noticeEntry,
  personOf,
  plain,
  record,
  text,
  type EntryDraft,
  type EventMapper,
  type RunReader,
} from './process-journal.ts';

/** What the collection knows as it goes: the means of payment, the reminders sent. */
interface PaymentMemory {
  method?: 'card' | 'sepa';
  reminders: number;
  label?: string;
}

function memoryOf(state: Record<string, unknown>): PaymentMemory {
  state['payment'] ??= { reminders: 0 };
  return state['payment'] as PaymentMemory;
}

const decisionWords: Record<string, Localized> = {
  retry: { fr: 'nouvel essai', en: 'try again' },
  manual: { fr: 'paiement reçu', en: 'payment received' },
  'write-off': { fr: 'passer en perte', en: 'write off' },
  suspend: { fr: 'suspendre les livraisons', en: 'suspend deliveries' },
};

const methodWords: Record<string, Localized> = {
  cheque: { fr: 'chèque', en: 'cheque' },
  cash: { fr: 'espèces', en: 'cash' },
  transfer: { fr: 'virement', en: 'transfer' },
  card: { fr: 'carte', en: 'card' },
  sepa: { fr: 'prélèvement', en: 'direct debit' },
};

/** « Prélèvement refusé » for a SEPA debit, « Paiement par carte refusé » for a card. */
function refused(memory: PaymentMemory): Localized {
  return memory.method === 'card'
    ? { fr: 'Paiement par carte refusé', en: 'Card payment declined' }
    : { fr: 'Prélèvement refusé', en: 'Direct debit refused' };
}

/** Stripe's failure codes in a few words, as staff read them (the member's notice explains more). */
const shortReasons: Readonly<Record<string, Localized>> = {
  insufficient_funds: { fr: 'provision insuffisante', en: 'insufficient funds' },
  expired_card: { fr: 'carte expirée', en: 'card expired' },
  authentication_required: {
    fr: 'la banque demande une authentification',
    en: 'the bank asks for authentication',
  },
  incorrect_cvc: { fr: 'code de sécurité erroné', en: 'wrong security code' },
  processing_error: { fr: 'erreur technique (banque ou Stripe)', en: 'technical error (bank or Stripe)' },
  try_again_later: { fr: 'erreur technique (banque ou Stripe)', en: 'technical error (bank or Stripe)' },
  account_closed: { fr: 'compte clos ou bloqué', en: 'account closed or blocked' },
  account_frozen: { fr: 'compte clos ou bloqué', en: 'account closed or blocked' },
  bank_account_restricted: { fr: 'compte clos ou bloqué', en: 'account closed or blocked' },
  no_account: { fr: 'compte introuvable', en: 'account not found' },
  invalid_account_number: { fr: 'compte introuvable', en: 'account not found' },
  debit_not_authorized: {
    fr: 'prélèvement non autorisé par le titulaire',
    en: 'debit not authorised by the holder',
  },
  lost_card: { fr: 'carte perdue ou volée', en: 'card lost or stolen' },
  stolen_card: { fr: 'carte perdue ou volée', en: 'card lost or stolen' },
  fraudulent: { fr: 'suspicion de fraude', en: 'suspected fraud' },
};

/**
 * Why it failed, short: from Stripe's code when known, else the member's sentence, its first
 * sentence and, when it says « refusé : … », what follows.
 */
function whyFailed(code: unknown, reason: Localized | undefined): Localized | undefined {
  if (typeof code === 'string' && Object.hasOwn(shortReasons, code)) return shortReasons[code];
  if (!reason) return undefined;
  const gist = (sentence: string) => {
    const first = sentence.split(/(?<=\.)\s/)[0] ?? sentence;
    const colon =
      first.indexOf(' : ') >= 0
        ? first.indexOf(' : ') + 3
        : first.indexOf(': ') >= 0
          ? first.indexOf(': ') + 2
          : 0;
    return first.slice(colon);
  };
  return clause({ fr: gist(reason.fr), en: gist(reason.en) });
}

function failedEntry(memory: PaymentMemory, why: Localized | undefined): EntryDraft {
  const words = refused(memory);
  return {
    kind: 'payment.failed',
    category: 'payment',
    text: { fr: `${words.fr}${why ? ` : ${why.fr}` : ''}`, en: `${words.en}${why ? `: ${why.en}` : ''}` },
  };
}

function completed(event: ProcessEvent, reader: RunReader, memory: PaymentMemory): EntryDraft[] {
  const scheduled = reader.scheduled(event);
  const input = record(scheduled?.args?.[0]);
  const result = record(event.result);
  switch (scheduled?.name) {
    case 'invoiceForCollection': {
      const method = record(result['paymentMethod'])['kind'];
      if (method === 'card' || method === 'sepa') memory.method = method;
      const label = text(result['label']);
      if (label) memory.label = label;
      return [];
    }
    case 'chargeInvoice': {
      const attempt = typeof input['attempt'] === 'number' ? input['attempt'] : undefined;
      const amount = record(input['fixed'])['amount'];
      const numbered: Localized = attempt
        ? { fr: ` (tentative ${attempt})`, en: ` (attempt ${attempt})` }
        : { fr: '', en: '' };
      const sum = typeof amount === 'number' ? euros(amount) : undefined;
      switch (result['status']) {
        case 'succeeded':
          return [
            {
              kind: 'payment.succeeded',
              category: 'payment',
              text: {
                fr: `Paiement accepté${sum ? ` : ${sum.fr}` : ''}${numbered.fr}`,
                en: `Payment accepted${sum ? `: ${sum.en}` : ''}${numbered.en}`,
              },
            },
          ];
        case 'processing':
          return [
            {
              kind: 'payment.sent',
              category: 'payment',
              text: {
                fr: `Prélèvement${sum ? ` de ${sum.fr}` : ''} envoyé à la banque${numbered.fr}`,
                en: `Direct debit${sum ? ` of ${sum.en}` : ''} sent to the bank${numbered.en}`,
              },
            },
          ];
        case 'failed':
          return [failedEntry(memory, whyFailed(undefined, localized(result['reason'])))];
        case 'no-payment-method':
          return [
            {
              kind: 'payment.no-payment-method',
              category: 'payment',
              text: {
                fr: 'Aucun moyen de paiement enregistré : paiement manuel attendu',
                en: 'No means of payment saved: a manual payment is expected',
              },
            },
          ];
        default:
          return [];
      }
    }
    case 'describeFailure':
      // A SEPA debit refused days later (Stripe's event), in words.
      return [failedEntry(memory, whyFailed(input['code'], localized(event.result)))];
    case 'recordStripePayment': {
      const method = typeof input['method'] === 'string' ? methodWords[input['method']] : undefined;
      const sum = euros(input['amount']);
      return [
        {
          kind: 'payment.received',
          category: 'payment',
          text: {
            fr: `Paiement reçu : ${sum.fr}${method ? ` (${method.fr})` : ''}`,
            en: `Payment received: ${sum.en}${method ? ` (${method.en})` : ''}`,
          },
        },
      ];
    }
    case 'recordManualPayment': {
      const payment = record(input['payment']);
      const method = typeof payment['method'] === 'string' ? methodWords[payment['method']] : undefined;
      const actor = personOf(reader, input['actor'], 'staff');
      const sum = euros(payment['amount']);
      return [
        {
          kind: 'payment.manual',
          category: 'payment',
          text: {
            fr: `Paiement enregistré : ${sum.fr}${method ? ` par ${method.fr}` : ''}, ${byWhom(actor).fr}`,
            en: `Payment recorded: ${sum.en}${method ? ` by ${method.en}` : ''}, ${byWhom(actor).en}`,
          },
          actor,
        },
      ];
    }
    case 'writeOffInvoice': {
      const actor = personOf(reader, input['actor'], 'staff');
      return [
        {
          kind: 'payment.written-off',
          category: 'payment',
          text: {
            fr: `Facture passée en perte ${byWhom(actor).fr}`,
            en: `Invoice written off ${byWhom(actor).en}`,
          },
          actor,
          reason: text(input['reason']),
        },
      ];
    }
    case 'notifyMember': {
      const kind = record(record(input['notification']))['kind'];
      const status = result['status'];
      if (kind === 'payment-failed' && status === 'sent') {
        memory.reminders += 1;
        const channels = channelsSaid(result['channels']);
        return [
          {
            kind: 'payment.reminder',
            category: 'notice',
            text: {
              fr: `Relance ${memory.reminders} envoyée${channels.fr ? ` (${channels.fr})` : ''}`,
              en: `Reminder ${memory.reminders} sent${channels.en ? ` (${channels.en})` : ''}`,
            },
          },
        ];
      }
      return noticeEntry(event, reader);
    }
    default:
      return [];
  }
}

function decision(event: ProcessEvent, reader: RunReader): EntryDraft[] {
  const args = record(event.args?.[0]);
  const actor = personOf(reader, args['actor'], 'staff');
  const reason = text(args['reason']);
  const choice = typeof args['decision'] === 'string' ? decisionWords[args['decision']] : undefined;
  if (!choice) return [];
  return [
    {
      kind: `payment.decision.${plain(args['decision'])}`,
      category: 'decision',
      text: {
        fr: `Décision : ${choice.fr}, ${byWhom(actor).fr}${reason ? ` : « ${reason} »` : ''}`,
        en: `Decision: ${choice.en}, ${byWhom(actor).en}${reason ? `: "${reason}"` : ''}`,
      },
      actor,
      reason,
    },
  ];
}

/** The collection of one invoice (workflows/payment): charges, refusals, reminders, decisions. */
export const paymentMapper: EventMapper = (event, reader, state) => {
  const memory = memoryOf(state);
  const input = record(event.args?.[0]);
  switch (event.eventType) {
    case 'WorkflowExecutionStarted':
      if (input['carried']) return [];
      return [
        {
          kind: 'payment.started',
          category: 'payment',
          text: {
            fr: `Recouvrement de la facture ${plain(input['invoiceNumber'])} commencé`,
            en: `Collection of invoice ${plain(input['invoiceNumber'])} started`,
          },
        },
      ];
    case 'WorkflowExecutionUpdateAccepted':
      return event.name === 'paymentDecision' ? decision(event, reader) : [];
    case 'WorkflowExecutionSignaled':
      return event.name === 'invoicePaymentRecorded'
        ? [
            {
              kind: 'payment.recorded',
              category: 'payment',
              text: {
                fr: 'Un paiement a été enregistré sur la facture',
                en: 'A payment was recorded on the invoice',
              },
            },
          ]
        : [];
    case 'ActivityTaskCompleted':
      return completed(event, reader, memory);
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
      return noticeEntry(event, reader);
    case 'WorkflowExecutionCompleted': {
      const phase = record(event.result)['phase'];
      return phase === 'paid'
        ? [
            {
              kind: 'payment.settled',
              category: 'payment',
              text: { fr: 'Facture réglée', en: 'Invoice settled' },
            },
          ]
        : [];
    }
    default:
      return [];
  }
};

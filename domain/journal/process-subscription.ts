import type { Localized } from '../locale.ts';
import {
  basketSizeLabels,
  subscriptionStatusLabels,
  type BasketSize,
  type SubscriptionStatus,
} from '../subscription.ts';
import type { JournalChange } from './journal-entry.ts';
import type { ProcessEvent } from './process-events.ts';
import {
  actorOf,
  byWhom,
  dayList,
  noticeEntry,
  personOf,
  plain,
  record,
  shortDay,
  text,
  whenSaid,
  type EntryDraft,
  type EventMapper,
  type RunReader,
} from './process-journal.ts';

/** The subscription's state as last recorded (`recordSubscription`), across the runs of its chain. */
interface SubscriptionMemory {
  status?: string;
  depotId?: string;
  basketSize?: string;
  /** Whether a person or a process explained the next recorded state (no « status changed » line then). */
  explained?: boolean;
}

function memoryOf(state: Record<string, unknown>): SubscriptionMemory {
  state['subscription'] ??= {};
  return state['subscription'] as SubscriptionMemory;
}

function depotName(reader: RunReader, depotId: unknown): string {
  if (typeof depotId !== 'string') return '';
  return reader.context.depotNames?.[depotId] ?? depotId;
}

function sizeLabel(size: unknown): Localized {
  return typeof size === 'string' && Object.hasOwn(basketSizeLabels, size)
    ? basketSizeLabels[size as BasketSize]
    : { fr: plain(size), en: plain(size) };
}

/** What time or another process did to the status, when no person's action explains it. */
const statusWords: Partial<Record<SubscriptionStatus, { kind: string; text: Localized }>> = {
  paused: {
    kind: 'subscription.pause-started',
    text: { fr: 'Début de la pause : plus de livraisons', en: 'Break started: no deliveries' },
  },
  ended: {
    kind: 'subscription.ended',
    text: { fr: 'Abonnement terminé (fin de saison)', en: 'Subscription ended (end of season)' },
  },
  cancelled: {
    kind: 'subscription.cancellation-effective',
    text: { fr: 'Résiliation effective', en: 'Cancellation took effect' },
  },
  rejected: { kind: 'subscription.withdrawn', text: { fr: 'Demande retirée', en: 'Application withdrawn' } },
};

function started(event: ProcessEvent, reader: RunReader): EntryDraft[] {
  const input = record(event.args?.[0]);
  // A run continuing an earlier one (continue-as-new) starts nothing new.
  if (input['carried']) return [];
  const requested = record(input['requested']);
  const online = input['acknowledge'] === true;
  const requester = actorOf(requested['by'], online ? 'member' : 'staff');
  if (online && requester) reader.memberIds.add(requester.id);
  const link = record(input['linkAccount']);
  if (typeof link['userId'] === 'string') reader.memberIds.add(link['userId']);
  return [
    {
      kind: 'subscription.requested',
      category: 'request',
      text: online
        ? { fr: "Demande d'adhésion reçue (en ligne)", en: 'Application received (online)' }
        : {
            fr: `Demande d'adhésion saisie ${byWhom(requester).fr}`,
            en: `Application entered ${byWhom(requester).en}`,
          },
      actor: requester,
    },
  ];
}

function decision(event: ProcessEvent, reader: RunReader): EntryDraft[] {
  const args = record(event.args?.[0]);
  const input = record(args['input']);
  const actor = personOf(reader, args['actor'], 'staff');
  const reason = text(input['reason']);
  const when = whenSaid(event.at, reader.context.timeZone);
  const by = byWhom(actor);
  switch (input['decision']) {
    case 'approve':
      return [
        {
          kind: 'subscription.approved',
          category: 'decision',
          text: { fr: `Validée ${by.fr} ${when.fr}`, en: `Approved ${by.en} ${when.en}` },
          actor,
          reason,
        },
      ];
    case 'reject':
      return [
        {
          kind: 'subscription.rejected',
          category: 'decision',
          text: {
            fr: `Refusée ${by.fr} ${when.fr}${reason ? ` : « ${reason} »` : ''}`,
            en: `Rejected ${by.en} ${when.en}${reason ? `: "${reason}"` : ''}`,
          },
          actor,
          reason,
        },
      ];
    case 'waitlist':
      return [
        {
          kind: 'subscription.waitlisted',
          category: 'decision',
          text: {
            fr: `Mise sur liste d'attente ${by.fr} ${when.fr}`,
            en: `Put on the waiting list ${by.en} ${when.en}`,
          },
          actor,
          reason,
        },
      ];
    default:
      return [];
  }
}

function update(event: ProcessEvent, reader: RunReader, memory: SubscriptionMemory): EntryDraft[] {
  const args = record(event.args?.[0]);
  memory.explained = true;
  switch (event.name) {
    case 'decide':
      return decision(event, reader);
    case 'reportAbsences': {
      const actor = personOf(reader, args['actor'], 'member');
      const days = dayList(args['dates']);
      const many = Array.isArray(args['dates']) && args['dates'].length > 1;
      return [
        {
          kind: 'subscription.absence-reported',
          category: 'request',
          text: {
            fr: `${many ? 'Absences signalées' : 'Absence signalée'} pour ${days.fr} ${byWhom(actor).fr}`,
            en: `${many ? 'Absences' : 'Absence'} reported for ${days.en} ${byWhom(actor).en}`,
          },
          actor,
          changes: [{ field: 'absences', label: { fr: 'Absences', en: 'Absences' }, after: args['dates'] }],
        },
      ];
    }
    case 'withdrawAbsence': {
      const actor = personOf(reader, args['actor'], 'member');
      const day = shortDay(args['date']);
      return [
        {
          kind: 'subscription.absence-withdrawn',
          category: 'request',
          text: {
            fr: `Absence du ${day.fr} annulée ${byWhom(actor).fr} : le panier sera livré`,
            en: `Absence of ${day.en} taken back ${byWhom(actor).en}: the basket will be delivered`,
          },
          actor,
          changes: [{ field: 'absences', label: { fr: 'Absences', en: 'Absences' }, before: [args['date']] }],
        },
      ];
    }
    case 'pause': {
      const actor = personOf(reader, args['actor'], 'member');
      const from = shortDay(args['from']);
      const until = shortDay(args['until']);
      return [
        {
          kind: 'subscription.paused',
          category: 'change',
          text: {
            fr: `Pause à partir du ${from.fr}, reprise le ${until.fr}, demandée ${byWhom(actor).fr}`,
            en: `Break from ${from.en}, deliveries resuming on ${until.en}, asked ${byWhom(actor).en}`,
          },
          actor,
          changes: [
            {
              field: 'pause',
              label: { fr: 'Pause', en: 'Break' },
              after: { from: args['from'], until: args['until'] },
            },
          ],
        },
      ];
    }
    case 'changeTerms': {
      const actor = personOf(reader, args['actor'], 'member');
      const changes: JournalChange[] = [];
      const said: Localized[] = [];
      if (typeof args['depotId'] === 'string' && args['depotId'] !== memory.depotId) {
        const before = depotName(reader, memory.depotId);
        const after = depotName(reader, args['depotId']);
        changes.push({
          field: 'depotId',
          label: { fr: 'Dépôt', en: 'Depot' },
          ...(memory.depotId ? { before } : {}),
          after,
        });
        said.push({
          fr: `dépôt ${before ? `${before} → ` : ''}${after}`,
          en: `depot ${before ? `${before} → ` : ''}${after}`,
        });
      }
      if (typeof args['basketSize'] === 'string' && args['basketSize'] !== memory.basketSize) {
        const before = memory.basketSize ? sizeLabel(memory.basketSize) : undefined;
        const after = sizeLabel(args['basketSize']);
        changes.push({
          field: 'basketSize',
          label: { fr: 'Taille du panier', en: 'Basket size' },
          ...(memory.basketSize ? { before: memory.basketSize } : {}),
          after: args['basketSize'],
        });
        said.push({
          fr: `${before ? `${before.fr} → ` : ''}${after.fr}`,
          en: `${before ? `${before.en} → ` : ''}${after.en}`,
        });
      }
      return [
        {
          kind: 'subscription.terms-changed',
          category: 'change',
          text: {
            fr: `Changement demandé ${byWhom(actor).fr}${said.length ? ` : ${said.map((part) => part.fr).join(', ')}` : ''}`,
            en: `Change asked ${byWhom(actor).en}${said.length ? `: ${said.map((part) => part.en).join(', ')}` : ''}`,
          },
          actor,
          changes,
        },
      ];
    }
    case 'renew': {
      const actor = personOf(reader, args['actor'], 'member');
      return [
        {
          kind: 'subscription.renewed',
          category: 'decision',
          text: { fr: `Renouvelé ${byWhom(actor).fr}`, en: `Renewed ${byWhom(actor).en}` },
          actor,
        },
      ];
    }
    case 'cancel': {
      const online = args['origin'] === 'member';
      const plain = actorOf(args['actor'], online ? 'member' : 'staff');
      if (online && plain) reader.memberIds.add(plain.id);
      const actor = online ? plain : personOf(reader, args['actor'], 'staff');
      const reason = text(args['reason']);
      return [
        {
          kind: 'subscription.cancelled',
          category: 'decision',
          text: online
            ? { fr: "Résilié en ligne par l'adhérent", en: 'Cancelled online by the member' }
            : {
                fr: `Résilié ${byWhom(actor).fr}${reason ? ` : « ${reason} »` : ''}`,
                en: `Cancelled ${byWhom(actor).en}${reason ? `: "${reason}"` : ''}`,
              },
          actor,
          reason,
        },
      ];
    }
    default:
      return [];
  }
}

function signal(event: ProcessEvent, reader: RunReader, memory: SubscriptionMemory): EntryDraft[] {
  const args = record(event.args?.[0]);
  if (event.name === 'suspendDeliveries') {
    memory.explained = true;
    const decided = record(args['decided']);
    const actor = personOf(reader, decided['by'], 'staff');
    const reason = text(args['reason']);
    const invoice = text(args['invoiceLabel']) ?? plain(args['invoiceNumber']);
    return [
      {
        kind: 'subscription.deliveries-suspended',
        category: 'decision',
        text: {
          fr: `Livraisons suspendues (${invoice} impayée), décision ${byWhom(actor).fr}${reason ? ` : « ${reason} »` : ''}`,
          en: `Deliveries suspended (${invoice} unpaid), decided ${byWhom(actor).en}${reason ? `: "${reason}"` : ''}`,
        },
        actor,
        reason,
      },
    ];
  }
  if (event.name === 'resumeDeliveries') {
    memory.explained = true;
    const invoice = text(args['invoiceLabel']) ?? plain(args['invoiceNumber']);
    const writtenOff = args['writtenOff'] === true;
    return [
      {
        kind: 'subscription.deliveries-resumed',
        category: 'change',
        text: writtenOff
          ? {
              fr: `Livraisons reprises : ${invoice} passée en perte`,
              en: `Deliveries resumed: ${invoice} written off`,
            }
          : { fr: `Livraisons reprises : ${invoice} réglée`, en: `Deliveries resumed: ${invoice} settled` },
      },
    ];
  }
  return [];
}

/** A state recorded: the status time changed (a break starting, the season's end), said once. */
function recorded(event: ProcessEvent, memory: SubscriptionMemory): EntryDraft[] {
  const subscription = record(event.args?.[0]);
  const status = typeof subscription['status'] === 'string' ? subscription['status'] : undefined;
  const before = memory.status;
  const explained = memory.explained === true;
  memory.status = status;
  if (typeof subscription['depotId'] === 'string') memory.depotId = subscription['depotId'];
  if (typeof subscription['basketSize'] === 'string') memory.basketSize = subscription['basketSize'];
  memory.explained = false;
  if (!status || !before || status === before || explained) return [];
  if (before === 'paused' && status === 'active') {
    return [
      {
        kind: 'subscription.pause-ended',
        category: 'delivery',
        text: { fr: 'Fin de la pause : les livraisons reprennent', en: 'Break over: deliveries resume' },
      },
    ];
  }
  const words = statusWords[status as SubscriptionStatus];
  if (words) return [{ kind: words.kind, category: 'change', text: words.text }];
  const label = subscriptionStatusLabels[status as SubscriptionStatus];
  return label
    ? [
        {
          kind: 'subscription.status-changed',
          category: 'change',
          text: { fr: `Statut : ${label.fr}`, en: `Status: ${label.en}` },
        },
      ]
    : [];
}

/** The subscription process (workflows/subscription): application, decision, active life, end. */
export const subscriptionMapper: EventMapper = (event, reader, state) => {
  const memory = memoryOf(state);
  switch (event.eventType) {
    case 'WorkflowExecutionStarted':
      return started(event, reader);
    case 'WorkflowExecutionUpdateAccepted':
      return update(event, reader, memory);
    case 'WorkflowExecutionSignaled':
      return signal(event, reader, memory);
    case 'ActivityTaskScheduled':
      return event.name === 'recordSubscription' ? recorded(event, memory) : [];
    case 'ActivityTaskCompleted':
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
      return noticeEntry(event, reader);
    default:
      return [];
  }
};

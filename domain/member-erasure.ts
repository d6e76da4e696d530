import type { Localized } from './locale.ts';
import { exportValidityDays } from './member-data-export.ts';
import { outstanding, type Invoice } from './invoices.ts';
import { toE164 } from './phone.ts';
import { foldForSearch } from './text.ts';
import type { Member } from './member.ts';
import type { Subscription } from './subscription.ts';

/**
 * A member's erasure (RGPD article 17): asked for by the member (or by staff on their behalf),
 * confirmed by staff once nothing is outstanding, then carried out everywhere the garden keeps
 * the member's data. What the law makes the garden keep stays: invoices and payments, ten
 * years (Code de commerce, L123-22), with the member's name replaced by the erasure's
 * reference. The request itself is kept, without any personal data, as the garden's proof.
 */

/**
 * Days after an erasure its processes' histories are purged again: longer than a data export's
 * run stays open, and than a night of the archiver, which may write a run it read before the
 * first purge. A request's erasure waits in its workflow; the retention rule's, in the garden's
 * nightly sweep (`HistoriesPurge`).
 */
export const historiesPurgedAgainAfterDays = exportValidityDays + 1;

/** The processes of an erased member whose histories are purged again once `due` has passed. */
export interface HistoriesPurge {
  memberId: string;
  /** The instant from which the sweep purges them (the erasure + `historiesPurgedAgainAfterDays`). */
  due: string;
  /** Workflow ids only. */
  workflowIds: string[];
}

/** Longest reason staff may give for a refusal (the member reads it in an email). */
export const erasureRefusalMaxLength = 1000;

export const erasureStatuses = ['awaiting-staff', 'refused', 'erasing', 'erased'] as const;
export type ErasureStatus = (typeof erasureStatuses)[number];

/** What stands in the way of erasing: money still owed, or a subscription still running. */
export interface ErasureBlockers {
  /** Invoice numbers with an amount still due. */
  unpaidInvoices: number[];
  /** Subscriptions that still receive (or wait for) baskets. */
  runningSubscriptions: string[];
}

/** One request, as the gardens table keeps it (`ERASURE#<memberId>`). */
export interface MemberErasureRecord {
  memberId: string;
  status: ErasureStatus;
  /** « EFF-7K3Q2M »: what stands for the member on the invoices kept. */
  reference: string;
  requestedAt: string;
  /** `retention`: a member inactive for three years, anonymised by the retention rules. */
  requestedBy: 'member' | 'staff' | 'retention';
  decidedAt?: string;
  /** Staff's name as the journal shows it (staff, not the member). */
  decidedBy?: string;
  /** Why staff refused, as they typed it; told to the member. */
  refusal?: string;
  erasedAt?: string;
  /**
   * Where to send the acknowledgement, copied from the record before it is erased and removed
   * once the acknowledgement has gone: the only personal data the request ever holds.
   */
  acknowledgeTo?: { email: string; language: 'fr' | 'en' };
  acknowledgedAt?: string;
}

/** The subscription statuses that still bind the garden and the member. */
const runningStatuses: ReadonlySet<Subscription['status']> = new Set([
  'pending',
  'waitlisted',
  'active',
  'paused',
]);

export function erasureBlockers(
  invoices: readonly Pick<Invoice, 'number' | 'payments' | 'total' | 'status'>[],
  subscriptions: readonly Pick<Subscription, 'id' | 'status'>[],
): ErasureBlockers {
  return {
    unpaidInvoices: invoices.filter((invoice) => outstanding(invoice) > 0).map((invoice) => invoice.number),
    runningSubscriptions: subscriptions
      .filter((subscription) => runningStatuses.has(subscription.status))
      .map((subscription) => subscription.id),
  };
}

export const hasBlockers = (blockers: ErasureBlockers): boolean =>
  blockers.unpaidInvoices.length > 0 || blockers.runningSubscriptions.length > 0;

/** Why staff cannot confirm yet, in words, or undefined when nothing is outstanding. */
export function blockersRefusal(blockers: ErasureBlockers): Localized | undefined {
  if (!hasBlockers(blockers)) return undefined;
  const invoices = blockers.unpaidInvoices.length;
  const subscriptions = blockers.runningSubscriptions.length;
  const fr: string[] = [];
  const en: string[] = [];
  if (invoices > 0) {
    fr.push(invoices === 1 ? 'une facture reste à payer' : `${invoices} factures restent à payer`);
    en.push(invoices === 1 ? 'one invoice is still unpaid' : `${invoices} invoices are still unpaid`);
  }
  if (subscriptions > 0) {
    fr.push(
      subscriptions === 1 ? 'un abonnement est en cours' : `${subscriptions} abonnements sont en cours`,
    );
    en.push(
      subscriptions === 1
        ? 'one subscription is still running'
        : `${subscriptions} subscriptions are still running`,
    );
  }
  return {
    fr: `L'effacement ne peut pas être confirmé : ${fr.join(' et ')}. Réglez-les (paiement, abandon de la facture, fin de l'abonnement), ou refusez la demande en expliquant pourquoi.`,
    en: `The erasure cannot be confirmed: ${en.join(' and ')}. Settle them first (payment, writing the invoice off, ending the subscription), or refuse the request saying why.`,
  };
}

const referenceAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** « EFF-7K3Q2M » from random bytes (given: the domain has no randomness of its own). */
export function erasureReference(randomBytes: Uint8Array): string {
  const letters = Array.from(
    randomBytes.slice(0, 6),
    (byte) => referenceAlphabet[byte % referenceAlphabet.length],
  );
  return `EFF-${letters.join('')}`;
}

/**
 * The member's record once erased: the reference instead of the name, nothing else that says who
 * they were (no contact, address, notes or preferences), the dates and version kept so that the
 * record still answers for the invoices that name it.
 */
export function erasedMember(member: Member, reference: string, now: string): Member {
  return {
    id: member.id,
    gardenId: member.gardenId,
    firstName: 'Adhérent effacé',
    lastName: reference,
    contactPreferences: { email: false, sms: false },
    createdAt: member.createdAt,
    updatedAt: now,
    version: member.version + 1,
  };
}

/**
 * The texts that say who the member was, longest first, for finding them wherever else they were
 * copied (a round's stop, a journal entry's before and after): the full name both ways, the
 * last name, the email, the phone as typed and in E.164, the street and the door's notes. The
 * first name alone is left out: « Rose » in another member's record is not this member.
 */
export function memberIdentifiers(member: Member): string[] {
  const texts = new Set<string>();
  const add = (text: string | undefined) => {
    const trimmed = text?.trim();
    if (trimmed && trimmed.length >= 3) texts.add(trimmed);
  };
  add(`${member.firstName} ${member.lastName}`);
  add(`${member.lastName} ${member.firstName}`);
  add(member.lastName);
  // As indexes and searches keep names: without accents, in lower case (`memberSortName`).
  add(foldForSearch(`${member.lastName} ${member.firstName}`));
  add(foldForSearch(member.lastName));
  add(member.email);
  if (member.phone) {
    add(member.phone);
    add(toE164(member.phone));
    // « 06 12 34 56 78 », as sheets print a French number.
    const national = member.phone.startsWith('+33') ? `0${member.phone.slice(3)}` : undefined;
    add(national);
    add(national?.replace(/(\d{2})(?=\d)/g, '$1 '));
  }
  add(member.address?.street);
  add(member.accessNotes);
  add(member.notes);
  return [...texts].sort((a, b) => b.length - a.length);
}

/**
 * A JSON value with every identifier replaced by the reference, whatever the case, in every
 * string (keys are left alone). Returns whether anything changed, so that untouched items are
 * not written again.
 */
export function scrubIdentifiers(
  value: unknown,
  identifiers: readonly string[],
  reference: string,
): { value: unknown; changed: boolean } {
  if (identifiers.length === 0) return { value, changed: false };
  const pattern = new RegExp(identifiers.map(escapeRegExp).join('|'), 'giu');
  let changed = false;
  const walk = (current: unknown): unknown => {
    if (typeof current === 'string') {
      const replaced = current.replace(pattern, reference);
      if (replaced !== current) changed = true;
      return replaced;
    }
    if (Array.isArray(current)) return current.map(walk);
    // Plain objects only: a binary value or a set (as DynamoDB's client gives them) stays whole.
    const prototype: unknown =
      current && typeof current === 'object' ? Object.getPrototypeOf(current) : undefined;
    if (current && typeof current === 'object' && (prototype === Object.prototype || prototype === null)) {
      const copy: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(current)) {
        Object.defineProperty(copy, key, {
          value: walk(member),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    return current;
  };
  const result = walk(value);
  return { value: result, changed };
}

/** Whether a JSON value still holds one of the identifiers (the check after erasing). */
export function mentionsAny(value: unknown, identifiers: readonly string[]): boolean {
  return scrubIdentifiers(value, identifiers, '').changed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The email that answers the member's request: erased (no name in it, the reference only, and
 * what the garden keeps) or refused (staff's reason). The garden's name signs it.
 */
export function erasureEmail(
  outcome: { status: 'erased'; reference: string } | { status: 'refused'; refusal: string },
  gardenName: string,
  locale: 'fr' | 'en',
): { subject: string; text: string } {
  if (outcome.status === 'erased') {
    return locale === 'en'
      ? {
          subject: `${gardenName}: your data has been erased`,
          text: [
            'Hello,',
            '',
            `As you asked, ${gardenName} has erased your personal data: your details, your account, your messages and your consents' records no longer name you.`,
            `The law makes the garden keep your invoices and payments for ten years: they now bear the reference ${outcome.reference} instead of your name. Quote it if you ever need one of them.`,
            '',
            'This is the last message you will receive from us at this address.',
            '',
            gardenName,
          ].join('\n'),
        }
      : {
          subject: `${gardenName} : vos données ont été effacées`,
          text: [
            'Bonjour,',
            '',
            `Comme vous l'avez demandé, ${gardenName} a effacé vos données personnelles : votre fiche, votre compte, vos messages et vos consentements ne vous nomment plus.`,
            `La loi oblige le jardin à garder vos factures et paiements pendant dix ans : ils portent désormais la référence ${outcome.reference} à la place de votre nom. Rappelez-la si vous avez un jour besoin de l'une d'elles.`,
            '',
            "C'est le dernier message que vous recevrez de notre part à cette adresse.",
            '',
            gardenName,
          ].join('\n'),
        };
  }
  return locale === 'en'
    ? {
        subject: `${gardenName}: your erasure request`,
        text: [
          'Hello,',
          '',
          `${gardenName} cannot erase your data yet, for this reason:`,
          '',
          outcome.refusal,
          '',
          'Once it is settled, you may ask again from "My data". Answer this email with any question.',
          '',
          gardenName,
        ].join('\n'),
      }
    : {
        subject: `${gardenName} : votre demande d'effacement`,
        text: [
          'Bonjour,',
          '',
          `${gardenName} ne peut pas encore effacer vos données, pour la raison suivante :`,
          '',
          outcome.refusal,
          '',
          'Une fois ce point réglé, vous pourrez refaire la demande depuis « Mes données ». Répondez à ce message pour toute question.',
          '',
          gardenName,
        ].join('\n'),
      };
}

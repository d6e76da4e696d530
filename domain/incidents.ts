import type { Localized } from './locale.ts';

/**
 * Something that went wrong in a garden's processes and that staff must hear of: a process
 * that keeps failing past its retries, a subscription the week cannot plan, an account that
 * could not be linked, a message that could not be sent. The process goes on with everything
 * else; the incident stays in the staff inbox until the problem is gone.
 */
export const incidentKinds = [
  'process-stalled',
  'subscription-unplannable',
  'account-link-pending',
  'message-undelivered',
  'household-not-billed',
] as const;
export type IncidentKind = (typeof incidentKinds)[number];

export interface Incident {
  gardenId: string;
  /** One incident per process and problem: reporting it again updates it. */
  key: string;
  kind: IncidentKind;
  /** The workflow that met it, which staff may ask to try again at once. */
  workflowId?: string | undefined;
  /** What it is about. */
  subject: {
    subscriptionId?: string | undefined;
    memberId?: string | undefined;
    week?: string | undefined;
    invoiceNumber?: number | undefined;
  };
  /** What happened and what is done about it, for staff. */
  summary: Localized;
  /** The technical cause, for the technical team (English). */
  cause: string;
  /** Whether the process tries again by itself (it waits for staff otherwise). */
  retriesByItself: boolean;
  since: string;
  lastSeenAt: string;
  occurrences: number;
}

export type IncidentReport = Omit<Incident, 'since' | 'lastSeenAt' | 'occurrences'>;

/** Keys of incidents, built from business ids so a report twice is one incident. */
export const incidentKeys = {
  stalled: (workflowId: string, step: string) => `stalled/${workflowId}/${step}`,
  unplannable: (subscriptionId: string) => `unplannable/${subscriptionId}`,
  accountLink: (subscriptionId: string) => `account-link/${subscriptionId}`,
  undelivered: (idempotencyKey: string) => `undelivered/${idempotencyKey}`,
  notBilled: (month: string, target: string) => `not-billed/${month}/${target}`,
};

/** Whether the incident is a step a process waits to try again (staff may ask for it now). */
export function canRetryNow(incident: Pick<Incident, 'key' | 'workflowId'>): boolean {
  return incident.workflowId !== undefined && incident.key.startsWith('stalled/');
}

/** What staff read of a message given up: `about` says what it concerns ("abonnement m-1…"). */
export function undeliveredSummary(message: Localized, about: Localized): Localized {
  return {
    fr: `Le message « ${message.fr} » (${about.fr}) n'a pas pu être envoyé à l'adhérent. Si c'est utile, prévenez-le autrement.`,
    en: `The message "${message.en}" (${about.en}) could not be sent to the member. If it matters, tell them another way.`,
  };
}

/** What a person reads of an exhausted step, whose cause is technical. */
export function stalledSummary(what: Localized, retriesByItself: boolean): Localized {
  return retriesByItself
    ? {
        fr: `${what.fr} : l'opération échoue encore après plusieurs essais. Elle sera retentée automatiquement ; vous pouvez aussi la relancer maintenant. Rien n'est perdu.`,
        en: `${what.en}: the operation still fails after several tries. It will be tried again automatically; you may also retry it now. Nothing is lost.`,
      }
    : {
        fr: `${what.fr} : l'opération a échoué sur une donnée qu'elle ne sait pas traiter. Corrigez la fiche concernée puis relancez ; le reste du jardin continue.`,
        en: `${what.en}: the operation failed on data it cannot handle. Correct the record concerned, then retry; the rest of the garden goes on.`,
      };
}

import type { IncidentKind } from '../../../../domain/incidents.ts';
import type { SubscriptionView } from '../../../../domain/views.ts';
import { request } from '../../api-client/request.ts';

/** Something that waits on staff, oldest first. */
export type InboxItem =
  | {
      kind: 'subscription-approval';
      since: string;
      subscription: SubscriptionView;
      /** How full the application's depot is: active subscriptions out of its capacity. */
      depotLoad?: { active: number; capacity: number };
    }
  | {
      kind: 'week-composition';
      since: string;
      week: { week: string; deadline?: string; total?: { small: number; medium: number; large: number } };
    }
  | { kind: 'payment-decision'; since: string; invoice: InvoiceDecisionItem }
  | { kind: 'round-approval'; since: string; round: RoundApprovalItem }
  | { kind: 'member-erasure'; since: string; erasure: ErasureRequestItem }
  | { kind: 'incident'; since: string; incident: IncidentItem };

/** A member's erasure request (RGPD article 17) waiting for staff to confirm or refuse it. */
export interface ErasureRequestItem {
  memberId: string;
  memberName: string;
  requestedAt: string;
  /** What still stands in the way, as counts (the member's page lists them). */
  unpaidInvoices: number;
  runningSubscriptions: number;
}

/** A delivery day's routes to approve: the day, when they are due, how many stops and vehicles. */
export interface RoundApprovalItem {
  date: string;
  /** The plan shown: approving sends it, refused if planned again since. */
  revision: number;
  deadline: string;
  stops: number;
  unrouted: number;
  vehicles: number;
}

/** A problem of the garden's processes that staff must hear of. */
export interface IncidentItem {
  key: string;
  kind: IncidentKind;
  /** What happened and what is done about it, in the reader's language. */
  summary: string;
  retriesByItself: boolean;
  canRetry: boolean;
  occurrences: number;
  lastSeenAt: string;
  subscriptionId?: string;
  memberId?: string;
  week?: string;
  invoiceNumber?: number;
}

/** An invoice that could not be collected: staff decide what happens next. */
export interface InvoiceDecisionItem {
  number: number;
  label: string;
  memberId: string;
  memberName: string;
  subject: string;
  /** Euro cents still due. */
  outstanding: number;
  dueOn: string;
  attempts: number;
  lastFailure?: string;
  phase: string;
}

const inbox = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/inbox`;

export const listInbox = (gardenId: string) => request<{ items: InboxItem[] }>('GET', inbox(gardenId));

/** Asks the stalled process of an incident to try again now. */
export const retryIncident = (gardenId: string, key: string) =>
  request<{ key: string }>('POST', `/gardens/${encodeURIComponent(gardenId)}/incidents/retry`, {
    body: { key },
  });

/** For the navigation badge: quiet when it fails (the badge just stays as it was). */
export const countInbox = (gardenId: string) =>
  request<{ count: number }>('GET', `${inbox(gardenId)}/count`, { toast: false });

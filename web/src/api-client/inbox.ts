import type { SubscriptionView } from '../../../domain/views.ts';
import { request } from './request.ts';

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
  | { kind: 'payment-decision'; since: string; invoice: InvoiceDecisionItem };

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

/** For the navigation badge: quiet when it fails (the badge just stays as it was). */
export const countInbox = (gardenId: string) =>
  request<{ count: number }>('GET', `${inbox(gardenId)}/count`, { toast: false });

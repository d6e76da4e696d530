import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes set by workflows. They feed the staff inbox and admin audits, so
 * they hold ids and states only, never personal data.
 */
export const gardenIdKey = defineSearchAttributeKey('GardenId', SearchAttributeType.KEYWORD);
/** Who the workflow waits on now ("staff-approval"…), unset when it waits on nobody. */
export const waitingOnKey = defineSearchAttributeKey('WaitingOn', SearchAttributeType.KEYWORD);
export const subscriptionStatusKey = defineSearchAttributeKey(
  'SubscriptionStatus',
  SearchAttributeType.KEYWORD,
);
export const deliveryWeekKey = defineSearchAttributeKey('DeliveryWeek', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [
  gardenIdKey,
  waitingOnKey,
  subscriptionStatusKey,
  deliveryWeekKey,
] as const;

/** The things a workflow can wait on a person for. */
export const waitingOn = {
  staffApproval: 'staff-approval',
  weekComposition: 'week-composition',
  paymentDecision: 'payment-decision',
  roundApproval: 'round-approval',
  extensionApproval: 'extension-approval',
  /** A member's erasure request (RGPD article 17) waits for staff to confirm nothing is outstanding. */
  erasureDecision: 'erasure-decision',
} as const;

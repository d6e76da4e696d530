import { defineQuery } from '@temporalio/workflow';

/**
 * A garden's billing run for a month: invoices for the baskets delivered that month (monthly
 * billing) or the current season's installments (season billing), the season's membership
 * fee, each printed and handed to its own payment workflow. Started by the garden's monthly
 * schedule (for the month just ended) or by staff (last month only: older months are closed,
 * see domain/billing-months.ts); running it twice issues nothing twice.
 */
export const billingRunType = 'billingRun';
export const billingRunTriggerType = 'billingRunTrigger';
export { billingRunProcessId as billingRunId } from '../../domain/process-ids.ts';

export const billingScheduleId = (gardenId: string) => `${gardenId}/billing-schedule`;

export interface BillingRunInput {
  gardenId: string;
  /** The month billed, "2026-11". */
  month: string;
  /** The day invoices are dated (garden time). */
  issuedOn: string;
  /** Carried over continue-as-new. */
  carried?: { targets: string[]; done: number; invoices: number[] };
}

export interface BillingRunProgress {
  month: string;
  phase: 'listing' | 'issuing' | 'done';
  /** Households (monthly) or subscriptions (season) to bill. */
  total: number;
  done: number;
  /** Numbers of the invoices issued so far by this run. */
  invoices: number[];
}

export const billingProgressQuery = defineQuery<BillingRunProgress>('billingProgress');

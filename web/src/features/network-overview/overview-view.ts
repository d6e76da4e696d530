import type { GardenCounts, OverviewQuery } from './network-overview-api.ts';

export interface OverviewFilters {
  kind: string;
  state: string;
  waitingOn: string;
  gardenId: string;
}

export const noOverviewFilters = (): OverviewFilters => ({
  kind: '',
  state: '',
  waitingOn: '',
  gardenId: '',
});

export function overviewQuery(filters: OverviewFilters): OverviewQuery {
  const query: OverviewQuery = {};
  for (const name of ['kind', 'state', 'waitingOn', 'gardenId'] as const)
    if (filters[name]) query[name] = filters[name];
  return query;
}

/** The four figures of a garden's bars, in the order the chart draws them. */
export const countNames = ['running', 'waitingOnPerson', 'failed', 'stuck'] as const;
export type CountName = (typeof countNames)[number];

/** The largest figure of all gardens: every bar is drawn to that scale (at least 1). */
export function chartScale(counts: readonly GardenCounts[]): number {
  return Math.max(1, ...counts.flatMap((garden) => countNames.map((name) => garden[name])));
}

/** A bar's width in percent of the scale; a figure above zero is never drawn as nothing. */
export function barWidth(value: number, scale: number): number {
  if (value <= 0) return 0;
  return Math.max(2, Math.round((value / scale) * 100));
}

/** The kinds of process the API filters by (api/routes/network-overview.ts), named in overview.kinds. */
export const processKinds = [
  'subscription',
  'payment',
  'billing',
  'week',
  'round',
  'extension',
  'settings',
  'provisioning',
  'archive',
  'privacy',
] as const;

/** waiting: on a person for more than 48 h; failed: in the last 30 days; stuck: an activity pending for 2 h. */
export const overviewStates = ['waiting', 'failed', 'stuck'] as const;

/** Who or what a process waits on (the `WaitingOn` search attribute). */
export const waitingOnValues = [
  'staff-approval',
  'week-composition',
  'payment-decision',
  'round-approval',
  'extension-approval',
  'erasure-decision',
  'network-decision',
] as const;

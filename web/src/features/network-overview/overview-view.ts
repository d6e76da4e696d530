import type { GardenCounts, NetworkProcess, OverviewQuery } from './network-overview-api.ts';

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

/**
 * The values a filter offers: those seen in the answers so far, sorted, with the one chosen kept
 * (a filtered answer holds only it, and the others must stay to choose back).
 */
export function valuesSeen(
  known: readonly string[],
  processes: readonly NetworkProcess[],
  pick: (process: NetworkProcess) => string | undefined,
): string[] {
  const values = new Set(known);
  for (const process of processes) {
    const value = pick(process);
    if (value) values.add(value);
  }
  return [...values].sort();
}

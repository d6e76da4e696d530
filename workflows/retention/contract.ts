import type { RetentionReport, SweptKind } from '../../domain/retention-sweep.ts';

/**
 * A garden's nightly retention sweep (`domain/retention-sweep.ts`): each rule of `retention.ts`
 * it applies, page after page, then the report of what was done, kept for the garden's
 * administrators. One run per night, started by the garden's Schedule on its task queue.
 */
export const retentionSweepType = 'retentionSweep';

/** The garden's Schedule of the sweep: a business key, no personal data. */
export const retentionScheduleId = (gardenId: string) => `${gardenId}/retention`;

/**
 * The runs' workflow ID: the Schedule's runs are `<garden>/retention-<time>` (Temporal adds the
 * time), so two runs never share one and a run started by hand is told apart by its time too.
 */
export const retentionSweepWorkflowId = retentionScheduleId;

/** Pages of one rule a run does at most; what is left is the next night's (the report says `unfinished`). */
export const defaultPagesPerRule = 100;

export interface RetentionSweepInput {
  gardenId: string;
  /** Records read per page (the activities' default when absent; tests lower it). */
  pageSize?: number;
  /** Pages of one rule per run (`defaultPagesPerRule`; tests lower it). */
  pagesPerRule?: number;
}

export type RetentionSweepResult = RetentionReport;

/** The incident staff see while a rule keeps failing: one per garden and rule, closed once it passes. */
export const retentionIncidentKey = (kind: SweptKind | 'historiesPurgedAgain') => `retention/${kind}`;

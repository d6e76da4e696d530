import { defineQuery } from '@temporalio/workflow';
import type { ArchiveFailure } from '../../activities/history-archive.ts';
import type { Localized } from '../../domain/locale.ts';

export type { ArchiveFailure };

/**
 * Archiving closed workflow histories to S3 before Temporal's retention deletes them, on the
 * network's task queue (`networkTaskQueue`): one daily run of the network's Schedule covers every
 * garden; a run for one garden (`gardenId`) can be started by hand.
 */
export const historyArchiveType = 'historyArchive';

/** The network's daily Schedule of the archive (its runs are `network/history-archive-<time>`). */
export const historyArchiveScheduleId = 'network/history-archive';

/** A run started by hand: one per garden (or the whole network) and window end. */
export const historyArchiveWorkflowId = (scope: string, until: string) =>
  `network/history-archive/${scope}/${until}`;

/**
 * How far back each run looks. Runs are daily and each looks back a week, so every closed run
 * falls in seven windows: a day or two without archiving (a worker down, S3 out of reach) loses
 * nothing, provided the namespace's retention is well above this (30 days in production).
 */
export const defaultLookbackDays = 7;
/** Closed runs listed and archived per batch (one heartbeating activity each). */
export const defaultBatchSize = 100;
/** Batches per run before it continues as new, so its own history stays small. */
export const batchesPerRun = 40;
/** Failed runs named in the result (the count is always whole). */
export const failuresKept = 20;
/** Days a run looks back at most: a window reaching past Temporal's retention finds nothing more. */
export const maxLookbackDays = 90;

export interface HistoryArchiveInput {
  /** Only this garden's runs (`GardenId`); every garden's when absent. */
  gardenId?: string;
  /** The window: runs closed after `since` and up to `until` (ISO instants). */
  since?: string;
  until?: string;
  /** When `since` is absent: `until` minus this many days (`defaultLookbackDays`). */
  lookbackDays?: number;
  batchSize?: number;
  /** Batches before continuing as new (`batchesPerRun`; tests lower it). */
  batchesPerRun?: number;
  /** Carried over a continue-as-new: where the listing stopped and the counts so far. */
  pageToken?: string;
  progress?: HistoryArchiveProgress;
}

export interface HistoryArchiveProgress {
  /** Runs written to S3 by this run. */
  archived: number;
  /** Runs already in the archive (an earlier, overlapping window wrote them). */
  skipped: number;
  /** Runs that could not be archived (each logged; the next windows try them again). */
  failed: number;
  /** The first `failuresKept` failures. */
  failures: ArchiveFailure[];
  batches: number;
}

export interface HistoryArchiveResult extends HistoryArchiveProgress {
  gardenId?: string;
  since: string;
  until: string;
  /** What happened, for a person reading the run in the Temporal UI or the network overview. */
  summary: Localized;
}

/** The counts so far, while the run goes on. */
export const historyArchiveProgressQuery = defineQuery<HistoryArchiveProgress>('historyArchiveProgress');

import {
  ApplicationFailure,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { HistoryArchiveActivities } from '../../activities/history-archive.ts';
import { boundedRetry } from '../incidents/persevere.ts';
import {
  batchesPerRun,
  defaultBatchSize,
  defaultLookbackDays,
  failuresKept,
  historyArchiveProgressQuery,
  maxLookbackDays,
  type HistoryArchiveInput,
  type HistoryArchiveProgress,
  type HistoryArchiveResult,
} from './contract.ts';

const { listClosedRuns } = proxyActivities<HistoryArchiveActivities>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});

/** A batch reads and writes up to `defaultBatchSize` histories: it says it is alive after each. */
const { archiveRuns } = proxyActivities<HistoryArchiveActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { ...boundedRetry, maximumAttempts: 5 },
});

function summaryOf(result: Omit<HistoryArchiveResult, 'summary'>): HistoryArchiveResult['summary'] {
  const garden = result.gardenId
    ? { fr: `, jardin ${result.gardenId}`, en: `, garden ${result.gardenId}` }
    : undefined;
  return {
    fr:
      `Historiques clos du ${result.since} au ${result.until}${garden?.fr ?? ''} : ` +
      `${result.archived} archivés, ${result.skipped} déjà archivés, ${result.failed} en échec` +
      (result.failed > 0 ? ' (repris par les prochains archivages quotidiens).' : '.'),
    en:
      `Histories closed from ${result.since} to ${result.until}${garden?.en ?? ''}: ` +
      `${result.archived} archived, ${result.skipped} already archived, ${result.failed} failed` +
      (result.failed > 0 ? ' (tried again by the next daily runs).' : '.'),
  };
}

/**
 * Archives the histories of the runs closed in a window to S3 (every garden's, or one's), in
 * batches: list a page of closed runs, archive it (each run once: a run already archived is
 * skipped), and so on to the last page. The window is fixed when the run starts, so the listing's
 * pages stay stable; the daily Schedule's windows overlap (a week back each day), so a run that
 * one day misses is archived by the next. A run that cannot be archived is counted, named in the
 * result and logged; only when every run failed does the workflow fail, so that the network
 * overview shows it.
 */
export async function historyArchive(input: HistoryArchiveInput = {}): Promise<HistoryArchiveResult> {
  const until = input.until ?? new Date().toISOString();
  const lookbackDays = Math.min(Math.max(input.lookbackDays ?? defaultLookbackDays, 1), maxLookbackDays);
  const since = input.since ?? new Date(Date.parse(until) - lookbackDays * 86_400_000).toISOString();
  const batchSize = input.batchSize ?? defaultBatchSize;
  const batchesBeforeNewRun = Math.max(1, input.batchesPerRun ?? batchesPerRun);
  const progress: HistoryArchiveProgress = input.progress ?? {
    archived: 0,
    skipped: 0,
    failed: 0,
    failures: [],
    batches: 0,
  };
  setHandler(historyArchiveProgressQuery, () => progress);

  let pageToken = input.pageToken;
  for (let batch = 0; ; batch++) {
    if (batch >= batchesBeforeNewRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof historyArchive>({
        ...input,
        since,
        until,
        batchSize,
        pageToken,
        progress,
      });
    }
    const page = await listClosedRuns({
      since,
      until,
      gardenId: input.gardenId,
      pageSize: batchSize,
      pageToken,
    });
    if (page.runs.length > 0) {
      const done = await archiveRuns({ runs: page.runs });
      progress.archived += done.archived;
      progress.skipped += done.skipped;
      progress.failed += done.failed;
      progress.failures.push(...done.failures.slice(0, Math.max(0, failuresKept - progress.failures.length)));
      progress.batches++;
    }
    pageToken = page.nextPageToken;
    if (!pageToken) break;
  }

  const result: HistoryArchiveResult = {
    ...(input.gardenId ? { gardenId: input.gardenId } : {}),
    since,
    until,
    ...progress,
    summary: { fr: '', en: '' },
  };
  result.summary = summaryOf(result);
  log.info(result.summary.en);
  if (result.failed > 0 && result.archived + result.skipped === 0) {
    throw ApplicationFailure.nonRetryable(result.summary.en, 'HistoryArchiveFailed', result);
  }
  return result;
}

// Closed workflow histories archived to S3 before Temporal's retention deletes them, and read
// back for the journals. Each run is one gzip-compressed JSON object (domain/journal/archive-keys.ts),
// its payloads as sealed as on the server: archiving never decodes them.
import { Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { archivedRunKey, type ArchivedRun } from '../domain/journal/archive-keys.ts';
import { isGardenId } from '../domain/ids.ts';

import { createHistoryArchive, type HistoryArchive } from '../adapters/store/history-archive.ts';

export { createHistoryArchive, type HistoryArchive };

/** A closed run the archive may keep. */
export interface ClosedRun {
  /** Its `GardenId`, else the first segment of its workflow id (`network` for the network's own). */
  gardenId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  /** ISO instant. */
  closeTime: string;
}

export interface ClosedRunsPage {
  runs: ClosedRun[];
  /** Base64 of Temporal's page token; absent on the last page. */
  nextPageToken?: string;
}

export interface ArchiveFailure {
  workflowId: string;
  runId: string;
  reason: string;
}

export interface ArchiveBatchResult {
  archived: number;
  skipped: number;
  failed: number;
  failures: ArchiveFailure[];
}

export interface ClosedRunsQuery {
  /** Runs closed after this instant (ISO)… */
  since: string;
  /** …and up to this one (ISO). */
  until: string;
  /** Only this garden's runs. */
  gardenId?: string | undefined;
  pageSize: number;
  pageToken?: string | undefined;
}

/** Failed runs named in a batch's result (the count is always whole). */
const failuresKept = 20;

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * The List Filter of closed runs in a window, built only from checked values: two ISO instants
 * and a garden id of the garden id pattern (nothing else can reach the query).
 */
export function closedRunsQuery(query: Pick<ClosedRunsQuery, 'since' | 'until' | 'gardenId'>): string {
  for (const instant of [query.since, query.until]) {
    if (!isoInstant.test(instant) || Number.isNaN(Date.parse(instant))) {
      throw new RangeError(`Not an ISO instant: ${JSON.stringify(instant)}`);
    }
  }
  if (query.gardenId !== undefined && !isGardenId(query.gardenId)) {
    throw new RangeError(`Not a garden id: ${JSON.stringify(query.gardenId)}`);
  }
  const garden = query.gardenId === undefined ? '' : ` AND GardenId = '${query.gardenId}'`;
  return `ExecutionStatus != 'Running' AND CloseTime > '${query.since}' AND CloseTime <= '${query.until}'${garden}`;
}

type Timestamp = temporal.api.workflow.v1.IWorkflowExecutionInfo['closeTime'];

function isoOf(timestamp: Timestamp): string {
  const seconds = Number(timestamp?.seconds ?? 0);
  const millis = Math.floor((timestamp?.nanos ?? 0) / 1_000_000);
  return new Date(seconds * 1000 + millis).toISOString();
}

/** A keyword search attribute's value (search attributes are never sealed: JSON of a string). */
function keywordOf(info: temporal.api.workflow.v1.IWorkflowExecutionInfo, name: string): string | undefined {
  const data = info.searchAttributes?.indexedFields?.[name]?.data;
  if (!data) return undefined;
  const value: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
  return typeof value === 'string' ? value : undefined;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The archive's activities (the network worker's): list a window's closed runs a page at a
 * time, and archive a batch of them, heartbeating after each run. `temporal` is a client whose
 * histories are read raw (workflowService): payloads stay as the server holds them, sealed.
 */
export function createHistoryArchiveActivities(deps: {
  temporal: Client;
  archive: HistoryArchive;
  /**
   * Whether a garden is leaving or has left the network (retiring, retired): its runs are not
   * archived, since its retirement moves its archive to the kept prefix and erases the live one
   * (activities/provisioning), which this must not fill again.
   */
  leftNetwork?: (gardenId: string) => Promise<boolean>;
}) {
  const namespace = deps.temporal.options.namespace;

  async function rawHistory(workflowId: string, runId: string) {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await deps.temporal.workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId, runId },
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return JSON.parse(historyToJSON({ events })) as ArchivedRun['history'];
  }

  return {
    /** One page of the runs closed in the window (by garden when given). */
    async listClosedRuns(query: ClosedRunsQuery): Promise<ClosedRunsPage> {
      const answer = await deps.temporal.workflowService.listWorkflowExecutions({
        namespace,
        query: closedRunsQuery(query),
        pageSize: query.pageSize,
        ...(query.pageToken ? { nextPageToken: Buffer.from(query.pageToken, 'base64') } : {}),
      });
      const runs: ClosedRun[] = [];
      for (const info of answer.executions ?? []) {
        const workflowId = info.execution?.workflowId;
        const runId = info.execution?.runId;
        if (!workflowId || !runId) continue;
        runs.push({
          gardenId: keywordOf(info, 'GardenId') ?? workflowId.split('/')[0] ?? 'network',
          workflowId,
          runId,
          workflowType: info.type?.name ?? '',
          closeTime: isoOf(info.closeTime),
        });
      }
      const token = answer.nextPageToken;
      return token?.length ? { runs, nextPageToken: Buffer.from(token).toString('base64') } : { runs };
    },

    /**
     * Archives each run not archived yet. One run that fails (gone from the server, a read or a
     * write that breaks) is logged and counted, and the others go on: the next daily windows,
     * which overlap this one, try it again. After a retry of the activity, the runs a previous
     * attempt heartbeated as done are not done again.
     */
    async archiveRuns(input: { runs: ClosedRun[] }): Promise<ArchiveBatchResult> {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as (ArchiveBatchResult & { next: number }) | undefined;
      const result: ArchiveBatchResult = resumed
        ? {
            archived: resumed.archived,
            skipped: resumed.skipped,
            failed: resumed.failed,
            failures: resumed.failures,
          }
        : { archived: 0, skipped: 0, failed: 0, failures: [] };
      const leaving = new Map<string, Promise<boolean>>();
      const hasLeft = (gardenId: string): Promise<boolean> => {
        if (!deps.leftNetwork) return Promise.resolve(false);
        if (!leaving.has(gardenId)) leaving.set(gardenId, deps.leftNetwork(gardenId));
        return leaving.get(gardenId)!;
      };
      for (let index = resumed?.next ?? 0; index < input.runs.length; index++) {
        const run = input.runs[index] as ClosedRun;
        try {
          const key = archivedRunKey(run.gardenId, run.workflowId, run.runId);
          if (await hasLeft(run.gardenId)) {
            result.skipped++;
          } else if (await deps.archive.has(key)) {
            result.skipped++;
          } else {
            const history = await rawHistory(run.workflowId, run.runId);
            const { written } = await deps.archive.write(run.gardenId, {
              workflowId: run.workflowId,
              runId: run.runId,
              workflowType: run.workflowType,
              closeTime: run.closeTime,
              history,
            });
            if (written) result.archived++;
            else result.skipped++;
          }
        } catch (error) {
          result.failed++;
          if (result.failures.length < failuresKept) {
            result.failures.push({ workflowId: run.workflowId, runId: run.runId, reason: reasonOf(error) });
          }
          log.warn('history not archived', {
            workflowId: run.workflowId,
            runId: run.runId,
            error: reasonOf(error),
          });
        }
        context.heartbeat({ ...result, next: index + 1 });
      }
      return result;
    },
  };
}
export type HistoryArchiveActivities = ReturnType<typeof createHistoryArchiveActivities>;

// How each garden's processes are doing, as Temporal sees them: whether a worker polls the
// garden's task queue, how many of its workflows wait on a person, how many failed lately.
// Read for the network admin's « Jardins » page. A figure that cannot be read is left unknown
// (undefined) for that garden, or for every garden when the one query that counts it for all
// of them fails: the list of gardens is answered all the same.
import type { Client } from '@temporalio/client';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';

export interface GardenHealth {
  /** A worker polled the garden's workflow task queue lately; undefined when it could not be read. */
  workerUp?: boolean | undefined;
  /** Running workflows of the garden that wait on a person (`WaitingOn` set). */
  pendingApprovals?: number | undefined;
  /** Workflows of the garden that failed in the last `failedWithinDays` days. */
  failedWorkflows?: number | undefined;
}

export interface GardenHealthReader {
  /** How far back failed workflows are counted. */
  readonly failedWithinDays: number;
  /** Each garden's health. */
  healthOf(gardenIds: readonly string[]): Promise<Map<string, GardenHealth>>;
}

// Temporal's enum values (temporal.api.enums.v1), spelled out: @temporalio/proto is a
// dependency of the client, not one of ours.
const taskQueueKindNormal = 1;
const taskQueueTypeWorkflow = 1;

/** A poller seen within this long is a worker that is up (a long poll lasts about a minute). */
const pollerFreshMs = 2 * 60_000;
/** Task queues described at once: the list may hold hundreds of gardens. */
const concurrency = 16;
/** How long one reading may take before its figure is given up as unknown. */
const readingTimeoutMs = 5_000;

export function createGardenHealth(
  client: Client,
  options: { failedWithinDays?: number; now?: () => Date } = {},
): GardenHealthReader {
  const failedWithinDays = options.failedWithinDays ?? 30;
  const now = options.now ?? (() => new Date());
  const deadline = () => Date.now() + readingTimeoutMs;

  async function workerUp(gardenId: string): Promise<boolean> {
    const answer = await client.withDeadline(deadline(), () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: gardenTaskQueue(gardenId), kind: taskQueueKindNormal },
        taskQueueType: taskQueueTypeWorkflow,
      }),
    );
    const since = now().getTime() - pollerFreshMs;
    return (answer.pollers ?? []).some((poller) => {
      const seconds = poller.lastAccessTime?.seconds;
      // Listed without a time: the server keeps only recent pollers, so it polled lately.
      return seconds === undefined || seconds === null || Number(seconds) * 1000 >= since;
    });
  }

  /**
   * How many workflows match the query, per garden: one visibility query for every garden
   * (a count per garden took seconds for the hundreds of gardens of a test stack).
   */
  async function countPerGarden(query: string): Promise<Map<string, number>> {
    return client.withDeadline(deadline(), async () => {
      const counts = new Map<string, number>();
      for await (const execution of client.workflow.list({ query })) {
        const gardenId = execution.typedSearchAttributes.get(gardenIdKey);
        if (gardenId) counts.set(gardenId, (counts.get(gardenId) ?? 0) + 1);
      }
      return counts;
    });
  }

  async function workersUp(gardenIds: readonly string[]): Promise<Map<string, boolean | undefined>> {
    const result = new Map<string, boolean | undefined>();
    let next = 0;
    async function reader(): Promise<void> {
      while (next < gardenIds.length) {
        const gardenId = gardenIds[next++] as string;
        result.set(gardenId, await workerUp(gardenId).catch(() => undefined));
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, gardenIds.length) }, reader));
    return result;
  }

  return {
    failedWithinDays,
    async healthOf(gardenIds) {
      const failedSince = new Date(now().getTime() - failedWithinDays * 86_400_000).toISOString();
      const [up, pending, failed] = await Promise.all([
        workersUp(gardenIds),
        countPerGarden(`WaitingOn IS NOT NULL AND ExecutionStatus = 'Running'`).catch(() => undefined),
        countPerGarden(`ExecutionStatus = 'Failed' AND CloseTime > '${failedSince}'`).catch(() => undefined),
      ]);
      return new Map(
        gardenIds.map((gardenId) => [
          gardenId,
          {
            workerUp: up.get(gardenId),
            pendingApprovals: pending ? (pending.get(gardenId) ?? 0) : undefined,
            failedWorkflows: failed ? (failed.get(gardenId) ?? 0) : undefined,
          },
        ]),
      );
    },
  };
}

// How each garden's processes are doing, as Temporal sees them: whether a worker polls the
// garden's task queue, how many of its workflows wait on a person, how many failed lately.
// Read for the network admin's « Jardins » page. A figure that cannot be read is left unknown
// (undefined) for that garden, or for every garden when the one query that counts it for all
// of them fails: the list of gardens is answered all the same.
import type { Client } from '@temporalio/client';
import { gardenTaskQueue } from '../domain/garden.ts';
import { networkDecisionWaitingOn } from '../workflows/garden-provisioning/contract.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';

export interface GardenHealth {
  /** A worker polled the garden's workflow task queue lately; undefined when it could not be read. */
  workerUp?: boolean | undefined;
  /**
   * Running workflows of the garden that wait on a person (`WaitingOn` set), apart from the
   * network's own creation or retirement of the garden waiting for the network admin's decision.
   */
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
/**
 * How long the whole list waits for its figures: what is not read by then is unknown. A task
 * queue that is not loaded (no worker lately) takes Temporal's matching service tens of
 * milliseconds to describe the first time: about 12 s for the 600 gardens of a test stack, on
 * 2 cores; the page answers meanwhile, and reads them quickly next time.
 */
const defaultBudgetMs = 4_000;

/**
 * The garden's running workflows waiting on a person. The network's operations on the garden
 * carry its `GardenId` too: one waiting for the network admin's decision is not the garden's.
 */
export const pendingApprovalsQuery = `WaitingOn IS NOT NULL AND WaitingOn != '${networkDecisionWaitingOn}' AND ExecutionStatus = 'Running'`;

export function createGardenHealth(
  client: Client,
  options: { failedWithinDays?: number; now?: () => Date; budgetMs?: number } = {},
): GardenHealthReader {
  const failedWithinDays = options.failedWithinDays ?? 30;
  const budgetMs = options.budgetMs ?? defaultBudgetMs;
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

  /** Each garden's worker, as far as read within `until` (a garden not read by then is left out). */
  async function workersUp(
    gardenIds: readonly string[],
    until: Promise<void>,
  ): Promise<Map<string, boolean | undefined>> {
    const result = new Map<string, boolean | undefined>();
    let next = 0;
    let over = false;
    async function reader(): Promise<void> {
      while (!over && next < gardenIds.length) {
        const gardenId = gardenIds[next++] as string;
        const up = await workerUp(gardenId).catch(() => undefined);
        if (!over) result.set(gardenId, up);
      }
    }
    await Promise.race([
      Promise.all(Array.from({ length: Math.min(concurrency, gardenIds.length) }, reader)),
      until,
    ]);
    over = true;
    return result;
  }

  /** The count, or undefined when it failed or did not come by `until`. */
  function within<T>(reading: Promise<T>, until: Promise<void>): Promise<T | undefined> {
    return Promise.race([reading.catch(() => undefined), until.then(() => undefined)]);
  }

  return {
    failedWithinDays,
    async healthOf(gardenIds) {
      const failedSince = new Date(now().getTime() - failedWithinDays * 86_400_000).toISOString();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const until = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
      const [up, pending, failed] = await Promise.all([
        workersUp(gardenIds, until),
        within(countPerGarden(pendingApprovalsQuery), until),
        within(countPerGarden(`ExecutionStatus = 'Failed' AND CloseTime > '${failedSince}'`), until),
      ]);
      clearTimeout(timer);
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

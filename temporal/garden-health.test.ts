import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import { createGardenHealth } from './garden-health.ts';

/**
 * What the list of gardens shows when Temporal answers only in part: the real reading is
 * checked against the dev server by api/network-gardens.test.ts (a garden with its worker,
 * one without); here a client that fails on purpose, which the dev server cannot be made to do.
 */

const now = new Date('2026-12-06T10:00:00Z');
const seconds = (date: Date) => ({ seconds: Math.floor(date.getTime() / 1000) });

function execution(gardenId: string) {
  return { typedSearchAttributes: { get: (key: unknown) => (key === gardenIdKey ? gardenId : undefined) } };
}

function fakeClient(behaviour: {
  pollers: (taskQueue: string) => Array<{ lastAccessTime?: { seconds: number } }>;
  waiting: () => string[];
  failed: () => string[];
}): { client: Client; queries: string[] } {
  const queries: string[] = [];
  const client = {
    options: { namespace: 'default' },
    withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
    workflowService: {
      describeTaskQueue: async ({ taskQueue }: { taskQueue: { name: string } }) => ({
        pollers: behaviour.pollers(taskQueue.name),
      }),
    },
    workflow: {
      list: ({ query }: { query: string }) => {
        queries.push(query);
        const gardens = query.includes('WaitingOn') ? behaviour.waiting() : behaviour.failed();
        return (async function* () {
          for (const gardenId of gardens) yield execution(gardenId);
        })();
      },
    },
  };
  return { client: client as unknown as Client, queries };
}

describe("the gardens' health", () => {
  it('counts per garden, with a worker up only when it polled lately', async () => {
    const { client, queries } = fakeClient({
      pollers: (queue) =>
        queue === 'garden-alpha'
          ? [{ lastAccessTime: seconds(new Date(now.getTime() - 30_000)) }]
          : queue === 'garden-beta'
            ? [{ lastAccessTime: seconds(new Date(now.getTime() - 10 * 60_000)) }]
            : [],
      waiting: () => ['alpha', 'alpha', 'beta', 'elsewhere'],
      failed: () => ['beta'],
    });
    const health = await createGardenHealth(client, { now: () => now }).healthOf(['alpha', 'beta', 'gamma']);
    expect(Object.fromEntries(health)).toEqual({
      alpha: { workerUp: true, pendingApprovals: 2, failedWorkflows: 0 },
      beta: { workerUp: false, pendingApprovals: 1, failedWorkflows: 1 },
      gamma: { workerUp: false, pendingApprovals: 0, failedWorkflows: 0 },
    });
    expect(queries).toContain("ExecutionStatus = 'Failed' AND CloseTime > '2026-11-06T10:00:00.000Z'");
    // A creation or retirement of the garden waiting on the network admin is not the garden's.
    expect(queries).toContain(
      "WaitingOn IS NOT NULL AND WaitingOn != 'network-decision' AND ExecutionStatus = 'Running'",
    );
  });

  it("leaves unknown what could not be read: one garden's worker, or a count for all", async () => {
    const { client } = fakeClient({
      pollers: (queue) => {
        if (queue === 'garden-beta') throw new Error('DEADLINE_EXCEEDED');
        return [{}];
      },
      waiting: () => {
        throw new Error('visibility unavailable');
      },
      failed: () => [],
    });
    const health = await createGardenHealth(client, { now: () => now }).healthOf(['alpha', 'beta']);
    expect(Object.fromEntries(health)).toEqual({
      alpha: { workerUp: true, pendingApprovals: undefined, failedWorkflows: 0 },
      beta: { workerUp: undefined, pendingApprovals: undefined, failedWorkflows: 0 },
    });
  });

  it('answers within its time budget, what did not come by then unknown', async () => {
    const { client } = fakeClient({
      pollers: () => [{}],
      waiting: () => ['alpha'],
      failed: () => [],
    });
    const slow = client.workflowService.describeTaskQueue.bind(client.workflowService);
    Object.assign(client.workflowService, {
      describeTaskQueue: (request: { taskQueue: { name: string } }) =>
        request.taskQueue.name === 'garden-beta' ? new Promise(() => {}) : slow(request as never),
    });
    const health = await createGardenHealth(client, { now: () => now, budgetMs: 50 }).healthOf([
      'alpha',
      'beta',
    ]);
    expect(health.get('alpha')).toEqual({ workerUp: true, pendingApprovals: 1, failedWorkflows: 0 });
    expect(health.get('beta')).toEqual({ workerUp: undefined, pendingApprovals: 0, failedWorkflows: 0 });
  });
});

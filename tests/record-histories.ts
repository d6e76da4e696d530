// Records the histories that temporal/replay.test.ts replays, by running each scenario on the
// time-skipping test server with the current workflow code. Run it when a workflow gains a
// new path worth guarding, then commit the files:
//   npm run stack up && sh infra/local/bin/cocagne exec node tests/record-histories.ts
// Never re-record an existing history to make a replay failure go away: that failure means
// running workflows would break.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { createTestGarden, testStore } from './support/environment.ts';
import { timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';
import {
  decideUpdate,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from '../workflows/subscription/contract.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const env = await timeSkippingEnvironment();
const store = await testStore();
const { gardenId, depotId } = await createTestGarden(store, 'history');
const taskQueue = `history-${randomUUID()}`;
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue,
  workflowBundle: await workflowBundle(),
  activities: createActivities({ store }),
});

async function scenario(
  name: string,
  memberId: string,
  steps: (handle: Awaited<ReturnType<typeof start>>) => Promise<void>,
) {
  const handle = await start(memberId);
  await steps(handle);
  const history = await handle.fetchHistory();
  const target = new URL(`../temporal/histories/${name}.json`, import.meta.url);
  await writeFile(target, historyToJSON(history));
  console.log(`recorded ${target.pathname}`);
}

function start(memberId: string) {
  const input: SubscriptionWorkflowInput = {
    gardenId,
    subscriptionId: `${memberId}.2026-12-01`,
    request: { memberId, basketSize: 'medium', frequency: 'weekly', depotId, startDate: '2026-12-01' },
    requested: { by: staff, at: '2026-11-24T10:00:00.000Z' },
  };
  return env.client.workflow.start(subscriptionWorkflowType, {
    taskQueue,
    workflowId: subscriptionWorkflowId(gardenId, input.subscriptionId),
    args: [input],
  });
}

await worker.runUntil(async () => {
  await scenario('subscription-approved', 'm-history-1', async (handle) => {
    await handle
      .executeUpdate(decideUpdate, { args: [{ input: { decision: 'reject' }, actor: staff }] })
      .catch(() => undefined);
    await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
  });
  await scenario('subscription-rejected', 'm-history-2', async (handle) => {
    await handle.executeUpdate(decideUpdate, {
      args: [{ input: { decision: 'reject', reason: 'Dépôt complet' }, actor: staff }],
    });
    await handle.result();
  });
});
await env.teardown();
store.close();

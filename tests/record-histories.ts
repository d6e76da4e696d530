// Records the histories that temporal/replay.test.ts replays, by running each scenario on the
// time-skipping test server with the current workflow code. Run it when a workflow gains a
// new path worth guarding, then commit the new files:
//   npm run stack up && sh infra/local/bin/cocagne exec node tests/record-histories.ts
// It never overwrites a recorded history: a replay failure means running workflows would
// break, and must be fixed in the workflow (with patched()), not by recording again.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { createTestGarden, testActivities, testStore } from './support/environment.ts';
import { uniqueEmail } from './support/moto.ts';
import { timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';
import {
  cancelUpdate,
  changeTermsUpdate,
  decideUpdate,
  pauseUpdate,
  reportAbsencesUpdate,
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
  activities: testActivities(store),
});
const today = gardenDay(new Date(await env.currentTimeMs()));
// The depot delivers on Tuesdays: the first Tuesday at least a week ahead.
let startDate = addDays(today, 7);
while (new Date(`${startDate}T00:00:00Z`).getUTCDay() !== 2) startDate = addDays(startDate, 1);

async function scenario(
  name: string,
  memberId: string,
  steps: (handle: Awaited<ReturnType<typeof start>>) => Promise<void>,
) {
  const target = new URL(`../temporal/histories/${name}.json`, import.meta.url);
  if (existsSync(target)) {
    console.log(`kept ${target.pathname} (already recorded)`);
    return;
  }
  await store.members.create(
    gardenId,
    memberId,
    { firstName: 'Test', lastName: memberId, email: uniqueEmail(memberId) },
    new Date().toISOString(),
  );
  const handle = await start(memberId);
  await steps(handle);
  const history = await handle.fetchHistory();
  await writeFile(target, historyToJSON(history));
  console.log(`recorded ${target.pathname}`);
}

function start(memberId: string) {
  const input: SubscriptionWorkflowInput = {
    gardenId,
    subscriptionId: `${memberId}.${startDate}`,
    request: { memberId, basketSize: 'medium', frequency: 'weekly', depotId, startDate },
    requested: { by: staff, at: new Date().toISOString() },
  };
  return env.client.workflow.start(subscriptionWorkflowType, {
    taskQueue,
    workflowId: subscriptionWorkflowId(gardenId, input.subscriptionId),
    args: [input],
  });
}

await worker.runUntil(async () => {
  await scenario('subscription-lifecycle-rejected', `m-${randomUUID().slice(0, 6)}`, async (handle) => {
    await handle.executeUpdate(decideUpdate, {
      args: [{ input: { decision: 'reject', reason: 'Dépôt complet' }, actor: staff }],
    });
    await handle.result();
  });
  await scenario('subscription-lifecycle-season', `m-${randomUUID().slice(0, 6)}`, async (handle) => {
    await handle
      .executeUpdate(decideUpdate, { args: [{ input: { decision: 'reject' }, actor: staff }] })
      .catch(() => undefined);
    await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'waitlist' }, actor: staff }] });
    await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
    await handle.executeUpdate(reportAbsencesUpdate, {
      args: [{ dates: [addDays(startDate, 7)], actor: staff }],
    });
    await handle.executeUpdate(pauseUpdate, {
      args: [{ from: addDays(startDate, 21), until: addDays(startDate, 35), actor: staff }],
    });
    await env.sleep('20 days');
    await handle.executeUpdate(changeTermsUpdate, { args: [{ basketSize: 'large', actor: staff }] });
    await handle.executeUpdate(cancelUpdate, { args: [{ origin: 'member', actor: staff }] });
    await handle.result();
  });
});
await env.teardown();
store.close();

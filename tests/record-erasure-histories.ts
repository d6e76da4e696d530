// Records the histories of a member's erasure, and of the retention sweep's second purge of an
// erased member's histories, that temporal/replay.test.ts replays (see
// tests/record-histories.ts for the rules: run it when the erasure gains a path worth guarding,
// commit the new files, never record an existing one again):
//   sh infra/local/bin/cocagne exec node tests/record-erasure-histories.ts
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { createMemberErasureActivities } from '../activities/member-erasure.ts';
import { MailerSettings, mailerFrom } from '../adapters/messaging/mailer.ts';
import { createMemberErasureStore } from '../adapters/store/member-erasure-store.ts';
import { readConfiguration } from '../domain/configuration.ts';
import {
  decideErasureUpdate,
  erasureProgressQuery,
  memberErasureType,
  memberErasureWorkflowId,
} from '../workflows/member-erasure/contract.ts';
import type { memberErasure } from '../workflows/member-erasure/workflow.ts';
import { retentionSweepType, retentionSweepWorkflowId } from '../workflows/retention/contract.ts';
import type { retentionSweep } from '../workflows/retention/workflow.ts';
import { subscriptionProcessId } from '../domain/process-ids.ts';
import {
  createTestGarden,
  testActivities,
  testDataConverter,
  testDocuments,
  testEnvironment,
  testStore,
} from './support/environment.ts';
import { ensureTestSender, uniqueEmail } from './support/moto.ts';
import { timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';

const staff = { id: 'u-staff', name: 'Julien Cuenot', role: 'staff' };
// Patch erasure-purges-histories-again: staff confirm a member's erasure; the member is erased
// and told, and the histories of their processes are purged again days later.
const target = new URL('../temporal/histories/member-erasure-histories-purged-again.json', import.meta.url);
// Patch retention-purges-histories-again: the garden's nightly sweep purges again the histories
// of a member the retention rule erased days before.
const sweepTarget = new URL(
  '../temporal/histories/retention-sweep-histories-purged-again.json',
  import.meta.url,
);

if (existsSync(target) && existsSync(sweepTarget)) {
  console.log(`kept ${target.pathname} and ${sweepTarget.pathname} (already recorded)`);
} else {
  await ensureTestSender();
  const env = await timeSkippingEnvironment();
  const store = await testStore();
  const { gardenId, depotId } = await createTestGarden(store, 'history-erasure');
  const at = new Date().toISOString();
  const memberId = `m-${randomUUID().slice(0, 6)}`;
  await store.members.create(
    gardenId,
    memberId,
    { firstName: 'Rose', lastName: 'Quenouille', email: uniqueEmail(memberId) },
    at,
  );
  // A subscription ended: nothing outstanding, and a process whose history the erasure purges.
  await store.subscriptions.record({
    id: `${memberId}.2026`,
    gardenId,
    memberId,
    basketSize: 'medium',
    frequency: 'weekly',
    depotId,
    startDate: '2026-01-06',
    status: 'cancelled',
    requested: { by: { userId: staff.id, name: staff.name }, at },
    updatedAt: at,
    revision: 2,
  });
  const erasures = createMemberErasureStore(store.db, store.tables);
  await erasures.open(gardenId, {
    memberId,
    status: 'awaiting-staff',
    reference: 'EFF-HISTORY',
    requestedAt: at,
    requestedBy: 'member',
  });
  const taskQueue = `history-${randomUUID()}`;
  const worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...testActivities(store),
      ...createMemberErasureActivities({
        store,
        documents: testDocuments(),
        mailer: mailerFrom(readConfiguration(MailerSettings, testEnvironment())),
        // No account in the local Keycloak, no invoice to print: played, as the tests do.
        accounts: { memberAccountIds: async () => [], deleteMemberAccount: async () => 'deleted' },
        printInvoice: async () => {
          throw new Error('no invoice to print');
        },
        printWeekDocuments: async () => [],
        // The time-skipping server keeps no visibility to purge from (activities/history-purge.test.ts
        // tests the real purge); only the counts enter the history.
        histories: {
          purge: async (_gardenId, workflowIds) => ({
            runsDeleted: workflowIds.length,
            archivedRunsRemoved: 0,
            stillRunning: [],
          }),
        },
      }),
    },
  });
  await worker.runUntil(async () => {
    if (!existsSync(target)) await recordErasure();
    if (!existsSync(sweepTarget)) await recordSweep();
  });
  await env.teardown();
  store.close();

  async function recordErasure() {
    const handle = await env.client.workflow.start<typeof memberErasure>(memberErasureType, {
      taskQueue,
      workflowId: memberErasureWorkflowId({ gardenId, memberId }),
      args: [{ gardenId, memberId }],
    });
    const progress = async () => (await handle.query(erasureProgressQuery)).blockers;
    for (let tries = 0; tries < 300 && !(await progress()); tries++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await env.sleep('2 days');
    await handle.executeUpdate(decideErasureUpdate, { args: [{ decision: 'confirm', actor: staff }] });
    const outcome = await handle.result();
    if (outcome.status !== 'erased') throw new Error(`erasure ended ${outcome.status}`);
    await writeFile(target, historyToJSON(await handle.fetchHistory()));
    console.log(`recorded ${target.pathname}`);
  }

  async function recordSweep() {
    // A member the rule erased days ago: their processes' histories are due again.
    await erasures.scheduleHistoriesPurge(gardenId, {
      memberId: 'm-retention',
      due: new Date((await env.currentTimeMs()) - 86_400_000).toISOString(),
      workflowIds: [subscriptionProcessId(gardenId, 'm-retention.2022')],
    });
    const handle = await env.client.workflow.start<typeof retentionSweep>(retentionSweepType, {
      taskQueue,
      workflowId: `${retentionSweepWorkflowId(gardenId)}-history`,
      args: [{ gardenId }],
    });
    const report = await handle.result();
    if (report.historiesPurgedAgain?.members !== 1) throw new Error('the sweep purged nothing again');
    await writeFile(sweepTarget, historyToJSON(await handle.fetchHistory()));
    console.log(`recorded ${sweepTarget.pathname}`);
  }
}

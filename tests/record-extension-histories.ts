// Records the extension rollout's histories that temporal/replay.test.ts replays (see
// tests/record-histories.ts for the rules: run it when the rollout gains a path worth guarding,
// commit the new files, never record an existing one again):
//   sh infra/local/bin/cocagne exec node tests/record-extension-histories.ts
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { createRolloutActivities } from '../activities/extensions/rollout-activities.ts';
import { MailerSettings, mailerFrom } from '../adapters/messaging/mailer.ts';
import { readConfiguration } from '../domain/configuration.ts';
import {
  approveVersionUpdate,
  extensionRolloutProcessId,
  extensionRolloutType,
  rollbackVersionUpdate,
  rolloutStatusQuery,
  versionUploadedSignal,
} from '../workflows/extension-rollout/contract.ts';
import type { extensionRollout } from '../workflows/extension-rollout/workflow.ts';
import { createTestGarden, testActivities, testEnvironment, testStore } from './support/environment.ts';
import { sampleUpload, testExtensionServices } from './support/extensions.ts';
import { ensureTestSender } from './support/moto.ts';
import { timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';
import { testDataConverter } from './support/environment.ts';

const admin = { userId: 'u-admin', name: 'Claire Vuillemin' };
const target = new URL(
  '../temporal/histories/extension-rollout-approved-then-rolled-back.json',
  import.meta.url,
);

if (existsSync(target)) {
  console.log(`kept ${target.pathname} (already recorded)`);
} else {
  await ensureTestSender();
  const env = await timeSkippingEnvironment();
  const store = await testStore();
  const services = testExtensionServices(store);
  const { gardenId } = await createTestGarden(store, 'history-extension');
  const taskQueue = `history-${randomUUID()}`;
  const worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...testActivities(store),
      ...createRolloutActivities({
        extensions: services,
        gardens: store.gardens,
        mailer: mailerFrom(readConfiguration(MailerSettings, testEnvironment())),
        publicUrl: 'http://localhost:8080',
      }),
    },
  });
  const sample = await sampleUpload('quotient-familial');
  await worker.runUntil(async () => {
    await services.catalogue.upload(gardenId, sample, { by: admin, at: new Date().toISOString() });
    const handle = await env.client.workflow.signalWithStart<typeof extensionRollout, [{ version: string }]>(
      extensionRolloutType,
      {
        taskQueue,
        workflowId: extensionRolloutProcessId(gardenId, 'quotient-familial'),
        args: [{ gardenId, name: 'quotient-familial', timings: { probationMs: 86_400_000 } }],
        signal: versionUploadedSignal,
        signalArgs: [{ version: '1.0.0' }],
      },
    );
    const phase = async () => (await handle.query(rolloutStatusQuery)).phase;
    for (let tries = 0; tries < 300 && (await phase()) !== 'awaiting-approval'; tries++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await handle.executeUpdate(approveVersionUpdate, { args: [{ actor: admin, version: '1.0.0' }] });
    // The probation passes, then an admin rolls the version back between versions.
    await env.sleep('25 hours');
    for (let tries = 0; tries < 300 && (await phase()) !== 'idle'; tries++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await handle.executeUpdate(rollbackVersionUpdate, { args: [{ actor: admin, reason: 'Essai terminé.' }] });
    await writeFile(target, historyToJSON(await handle.fetchHistory()));
    console.log(`recorded ${target.pathname}`);
    await handle.terminate('recorded');
  });
  await services.close();
  await env.teardown();
  store.close();
}

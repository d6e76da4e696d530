// Records the histories of creating and retiring a garden that temporal/replay.test.ts
// replays, on the time-skipping test server with scripted activities (the steps' answers are
// what the history keeps; the real systems are exercised by workflows/garden-provisioning's
// tests). Like tests/record-histories.ts, it never overwrites a recorded history:
//   sh infra/local/bin/cocagne exec node tests/record-provisioning-histories.ts
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { createProvisioningActivities } from '../activities/index.ts';
import type { ProvisioningPorts } from '../activities/provisioning/provisioning-activities.ts';
import type { OperationProgress } from '../domain/garden-provisioning.ts';
import {
  decideOperationUpdate,
  gardenProvisioningId,
  gardenProvisioningType,
  gardenRetirementId,
  gardenRetirementType,
  operationProgressQuery,
} from '../workflows/garden-provisioning/contract.ts';
import { newGardenRequest, networkAdmin } from './support/provisioning.ts';
import { timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';
import { testDataConverter } from './support/environment.ts';

const folder = new URL('../temporal/histories/', import.meta.url);
const env = await timeSkippingEnvironment();
const taskQueue = `history-${randomUUID()}`;

/** Each activity answers as a step that did its work, unless `failures` says it fails now. */
const failures = new Map<string, number>();
const names = Object.keys(createProvisioningActivities({} as ProvisioningPorts));
const activities = Object.fromEntries(
  names.map((name) => [
    name,
    async () => {
      const left = failures.get(name) ?? 0;
      if (left > 0) {
        failures.set(name, left - 1);
        throw ApplicationFailure.create({
          type: 'provisioning_step_failed',
          message: 'Keycloak answered 503',
          details: [{ fr: 'Keycloak a répondu 503.', en: 'Keycloak answered 503.' }],
          nonRetryable: true,
        });
      }
      return name === 'deployGarden'
        ? {
            attempt: 1,
            note: { fr: 'Aucun nœud Kubernetes local : le worker n’est pas démarré ici.', en: 'No node.' },
          }
        : { attempt: 1 };
    },
  ]),
);

const worker = await Worker.create({
  dataConverter: testDataConverter(),
  connection: env.nativeConnection,
  taskQueue,
  workflowBundle: await workflowBundle(),
  activities,
});

async function until(
  handle: { query: (query: typeof operationProgressQuery) => Promise<OperationProgress> },
  state: OperationProgress['state'],
) {
  for (let tries = 0; tries < 300; tries++) {
    if ((await handle.query(operationProgressQuery)).state === state) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never ${state}`);
}

async function scenario(name: string, run: () => Promise<{ fetchHistory: () => Promise<unknown> }>) {
  const target = new URL(`${name}.json`, folder);
  if (existsSync(target)) {
    console.log(`kept ${target.pathname} (already recorded)`);
    return;
  }
  const handle = await run();
  await writeFile(
    target,
    historyToJSON((await handle.fetchHistory()) as Parameters<typeof historyToJSON>[0]),
  );
  console.log(`recorded ${target.pathname}`);
}

await worker.runUntil(async () => {
  // A step fails, is retried on the admin's word, and the garden is created.
  await scenario('garden-provisioning-retried-then-done', async () => {
    const request = newGardenRequest('history');
    failures.set('createGardenIdentity', 1);
    const handle = await env.client.workflow.start(gardenProvisioningType, {
      taskQueue,
      workflowId: gardenProvisioningId(request.slug),
      args: [{ request, by: networkAdmin }],
    });
    await until(handle, 'waiting');
    await handle.executeUpdate(decideOperationUpdate, { args: [{ decision: 'retry', by: networkAdmin }] });
    await handle.result();
    return handle;
  });
  // A step fails, the roll-back's first undo fails and waits, then everything is undone.
  await scenario('garden-provisioning-rolled-back', async () => {
    const request = newGardenRequest('history');
    failures.set('deployGarden', 1);
    failures.set('deleteGardenIdentity', 1);
    const handle = await env.client.workflow.start(gardenProvisioningType, {
      taskQueue,
      workflowId: gardenProvisioningId(request.slug),
      args: [{ request, by: networkAdmin }],
    });
    await until(handle, 'waiting');
    await handle.executeUpdate(decideOperationUpdate, {
      args: [{ decision: 'roll-back', by: networkAdmin }],
    });
    await until(handle, 'waiting');
    await handle.executeUpdate(decideOperationUpdate, { args: [{ decision: 'retry', by: networkAdmin }] });
    await handle.result();
    return handle;
  });
  // Nobody decides for 14 days: the creation rolls back by itself.
  await scenario('garden-provisioning-no-decision', async () => {
    const request = newGardenRequest('history');
    failures.set('scheduleGarden', 1);
    const handle = await env.client.workflow.start(gardenProvisioningType, {
      taskQueue,
      workflowId: gardenProvisioningId(request.slug),
      args: [{ request, by: networkAdmin }],
    });
    await handle.result();
    return handle;
  });
  // A retirement whose step fails is retried, never rolled back.
  await scenario('garden-retirement-retried-then-done', async () => {
    const gardenId = newGardenRequest('history').slug;
    failures.set('disableGardenIdentity', 1);
    const handle = await env.client.workflow.start(gardenRetirementType, {
      taskQueue,
      workflowId: gardenRetirementId(gardenId),
      args: [{ gardenId, by: networkAdmin }],
    });
    await until(handle, 'waiting');
    await handle.executeUpdate(decideOperationUpdate, { args: [{ decision: 'retry', by: networkAdmin }] });
    await handle.result();
    return handle;
  });
});
await env.teardown();

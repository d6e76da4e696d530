import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  provisioningSteps,
  retirementSteps,
  type NewGardenRequest,
  type OperationProgress,
  type ProvisioningStep,
} from '../../domain/garden-provisioning.ts';
import { gardenTaskQueue } from '../../domain/garden.ts';
import type { ProvisioningActivities } from '../../activities/provisioning/provisioning-activities.ts';
import { restoreGardenSettings } from '../../activities/provisioning/garden-configuration.ts';
import { createStore } from '../../adapters/store/index.ts';
import { ensureTables } from '../../adapters/store/tables.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createGardenWorkers } from '../../temporal/garden-workers.ts';
import { createProvisioningCommands } from '../../temporal/provisioning-client.ts';
import { testActivities, testEnvironment } from '../../tests/support/environment.ts';
import { emailsTo, ensureTestSender } from '../../tests/support/moto.ts';
import {
  finalizeNamespace,
  keycloakEmailsTo,
  networkAdmin,
  newGardenRequest as anyGardenRequest,
  provisioningTestBed,
  type ProvisioningTestBed,
} from '../../tests/support/provisioning.ts';
import { kubernetesReady, kubernetesWaitMs } from '../../tests/support/kubernetes.ts';
import { workflowBundle } from '../../tests/support/temporal.ts';
import { startWorkerProcess } from '../../tests/support/worker-process.ts';
import { extensionRolloutType } from '../extension-rollout/contract.ts';
import { gardenIdKey } from '../search-attributes.ts';
import { testDataConverter } from '../../tests/support/environment.ts';

/** The activity each creation step runs (the one a test makes fail). */
const stepActivity: Record<ProvisioningStep, keyof ProvisioningActivities> = {
  reserve: 'reserveGarden',
  data: 'writeGardenDefaults',
  configuration: 'saveGardenConfiguration',
  identity: 'createGardenIdentity',
  deployment: 'deployGarden',
  schedules: 'scheduleGarden',
  welcome: 'welcomeGarden',
};

const injected = () =>
  ApplicationFailure.create({ type: 'injected', message: 'Injected by the test', nonRetryable: true });

const poll = { timeout: 45_000, interval: 250 };

/** What a test does around one garden's activities: before each (to fail), after each (to block). */
interface Fault {
  before?: (activity: string) => void | Promise<void>;
  after?: (activity: string) => void | Promise<void>;
}

/**
 * Creating and retiring gardens against the real local stack: DynamoDB Local, S3, Keycloak
 * (its email through the SMTP relay to moto), the Kubernetes API server, and the Temporal dev
 * server. One network worker (the file's own queue) runs every test's operations; a test
 * changes only its own garden's activities (`faults`).
 */
describe('garden provisioning saga', () => {
  let bed: ProvisioningTestBed;
  let worker: { stop: () => Promise<void> };
  const faults = new Map<string, Fault>();
  /** Every garden the file asked for: what is left of them in the shared stack goes at the end. */
  const requested: NewGardenRequest[] = [];
  const newGardenRequest = (purpose: string) => {
    const request = anyGardenRequest(purpose);
    requested.push(request);
    return request;
  };

  const gardenOfInput = (input: unknown) => {
    const { gardenId, request } = (input ?? {}) as { gardenId?: string; request?: { slug?: string } };
    return gardenId ?? request?.slug ?? '';
  };
  const startWorker = () =>
    bed.startWorker((activities) =>
      Object.fromEntries(
        Object.entries(activities).map(([name, activity]) => [
          name,
          async (input: never) => {
            const fault = faults.get(gardenOfInput(input));
            await fault?.before?.(name);
            const result = await (activity as (input: never) => Promise<unknown>)(input);
            await fault?.after?.(name);
            return result;
          },
        ]),
      ),
    );

  beforeAll(async () => {
    await kubernetesReady();
    bed = await provisioningTestBed();
    await ensureTestSender();
    worker = await startWorker();
  }, kubernetesWaitMs);
  afterAll(async () => {
    await worker?.stop();
    if (bed) {
      for (const request of requested) await bed.leaveNothingOf(request);
    }
    await bed?.close();
  });

  const state = async (gardenId: string, operation: 'create' | 'retire' = 'create') =>
    (await bed.commands.progress(gardenId, operation))?.state;

  async function settled(
    gardenId: string,
    operation: 'create' | 'retire',
    wanted: OperationProgress['state'],
  ): Promise<OperationProgress> {
    await expect.poll(() => state(gardenId, operation), poll).toBe(wanted);
    return (await bed.commands.progress(gardenId, operation)) as OperationProgress;
  }

  async function created(purpose: string): Promise<NewGardenRequest> {
    const request = newGardenRequest(purpose);
    await bed.commands.create(request, networkAdmin);
    await settled(request.slug, 'create', 'done');
    return request;
  }

  /** Nothing of the garden is left in any system (its namespace finalized as a controller would). */
  async function expectNothingLeft(request: NewGardenRequest) {
    await finalizeNamespace(request.slug);
    const holdings = await bed.holdings(request);
    expect(holdings).toEqual({
      registry: undefined,
      records: [],
      files: [],
      group: undefined,
      accounts: [],
      schedules: [],
      cluster: { namespace: 'absent', objects: [] },
    });
  }

  it('creates a garden: every system holds what it should, and the network admin sees each step', async () => {
    const request = newGardenRequest('saga');
    const started = await bed.commands.create(request, networkAdmin);
    expect(started.operation).toBe('create');
    const done = await settled(request.slug, 'create', 'done');
    expect(done.steps.map((step) => [step.step, step.state])).toEqual(
      provisioningSteps.map((step) => [step, 'done']),
    );
    for (const step of done.steps) {
      expect(step.attempts).toBe(1);
      expect(step.error).toBeUndefined();
      expect(step.startedAt && step.endedAt && step.startedAt <= step.endedAt).toBe(true);
    }
    // No node runs pods in the local cluster: the step says so rather than wait.
    expect(done.steps.find((step) => step.step === 'deployment')?.note?.fr).toMatch(
      /^Aucun nœud Kubernetes local : le worker n’est pas démarré ici/,
    );
    // The slug is taken now: a second creation is refused.
    await expect(bed.commands.create(request, networkAdmin)).rejects.toMatchObject({ code: 'conflict' });

    const holdings = await bed.holdings(request);
    expect(holdings.registry).toMatchObject({ id: request.slug, state: 'active', name: request.name });
    expect(holdings.records).toEqual([
      'SETTINGS#CALENDAR',
      'SETTINGS#CONTACT',
      'SETTINGS#PRICING',
      'SETTINGS#RULES',
    ]);
    const pricing = await bed.store.settings.pricing(request.slug);
    expect(pricing.legal).toMatchObject({
      name: request.legal.legalName,
      siret: '12345678900012',
      address: request.legal.address,
    });
    const contact = await bed.store.settings.contact(request.slug, undefined);
    expect(contact).toMatchObject({ email: request.contactEmail, address: request.legal.address });
    expect(holdings.files).toContain(`${request.slug}/configuration.json`);
    expect(await bed.blobs.configuration(request.slug)).toMatchObject({
      schemaVersion: 1,
      gardenId: request.slug,
      settings: { pricing: { legal: { siret: '12345678900012' } }, calendar: { seasons: [] } },
      extensions: { gardenId: request.slug, active: [] },
    });
    expect(holdings.group).toBeDefined();
    expect(holdings.accounts).toEqual([
      {
        email: request.firstAdmin.email,
        enabled: true,
        requiredActions: expect.arrayContaining(['UPDATE_PASSWORD']) as unknown,
      },
    ]);
    expect(holdings.cluster?.namespace).toBe('active');
    expect(holdings.cluster?.objects.some((object) => object.startsWith('Deployment/'))).toBe(true);
    expect(holdings.schedules).toHaveLength(2);
    // Keycloak's invitation (through the SMTP relay) and the welcome email, one each.
    await expect.poll(async () => (await keycloakEmailsTo(request.firstAdmin.email)).length, poll).toBe(1);
    expect((await emailsTo(request.firstAdmin.email)).map((email) => email.subject)).toEqual([
      `Bienvenue sur Cocagne, ${request.name} / Welcome to Cocagne`,
    ]);

    // The configuration JSON alone rebuilds the garden's settings in an empty store.
    const env = testEnvironment();
    const empty = createStore({
      region: env.AWS_REGION ?? '',
      endpoint: env.DYNAMODB_ENDPOINT ?? '',
      tablePrefix: 'cocagne-test-restore',
    });
    const dynamo = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
    try {
      await ensureTables(dynamo, empty.tables);
      const configuration = await bed.blobs.configuration(request.slug);
      if (!configuration) throw new Error('no configuration JSON');
      await restoreGardenSettings(empty, configuration);
      const without = <T extends { version: number }>({ version: _version, ...rest }: T) => rest;
      expect(await empty.gardens.get(request.slug)).toMatchObject({ name: request.name, state: 'active' });
      expect(without(await empty.settings.rules(request.slug))).toEqual(
        without(await bed.store.settings.rules(request.slug)),
      );
      expect(without(await empty.settings.calendar(request.slug))).toEqual(
        without(await bed.store.settings.calendar(request.slug)),
      );
      expect(without(await empty.settings.pricing(request.slug))).toEqual(without(pricing));
      expect(without(await empty.settings.contact(request.slug, undefined))).toEqual(without(contact));
    } finally {
      dynamo.destroy();
      empty.close();
    }
  });

  for (const failing of provisioningSteps) {
    it(`rolls back a creation whose step « ${failing} » failed for good, leaving nothing in any system`, async () => {
      const request = newGardenRequest(`fail-${failing}`);
      // The step does its work, then fails: its undo must find and remove what it made.
      faults.set(request.slug, {
        after: (activity) => {
          if (activity === stepActivity[failing]) throw injected();
        },
      });
      await bed.commands.create(request, networkAdmin);
      const waiting = await settled(request.slug, 'create', 'waiting');
      const index = provisioningSteps.indexOf(failing);
      expect(waiting.steps.map((step) => step.state)).toEqual(
        provisioningSteps.map((_, at) => (at < index ? 'done' : at === index ? 'failed' : 'pending')),
      );
      expect(waiting.steps[index]?.error?.fr).toContain('Injected by the test');
      const description = await bed.client.workflow
        .getHandle(`network/garden-provisioning/${request.slug}`)
        .describe();
      expect(description.searchAttributes.WaitingOn).toEqual(['network-decision']);

      const decided = await bed.commands.decide(request.slug, 'create', 'roll-back', networkAdmin);
      expect(decided.state).not.toBe('waiting');
      const rolledBack = await settled(request.slug, 'create', 'rolled-back');
      expect(rolledBack.steps.map((step) => step.state)).toEqual(
        provisioningSteps.map((_, at) => (at <= index ? 'compensated' : 'pending')),
      );
      await expect(bed.commands.decide(request.slug, 'create', 'retry', networkAdmin)).rejects.toMatchObject({
        code: 'conflict',
      });
      await expectNothingLeft(request);
      // The slug is free again.
      faults.delete(request.slug);
      await bed.commands.create(request, networkAdmin);
      await settled(request.slug, 'create', 'done');
    });
  }

  it('rolls back by itself when nobody decides in time, and says so', async () => {
    const impatient = createProvisioningCommands(bed.client, bed.store.gardens, {
      taskQueue: bed.taskQueue,
      timings: { decisionTimeoutMs: 1_000, deploymentWaitMs: 3_000 },
    });
    const request = newGardenRequest('no-decision');
    faults.set(request.slug, {
      after: (activity) => {
        if (activity === 'saveGardenConfiguration') throw injected();
      },
    });
    await impatient.create(request, networkAdmin);
    const rolledBack = await settled(request.slug, 'create', 'rolled-back');
    expect(rolledBack.steps.find((step) => step.step === 'configuration')?.note?.fr).toBe(
      'Sans décision dans le délai, la création a été annulée d’elle-même.',
    );
    await expectNothingLeft(request);
  });

  it('shows an undo that fails, waits, and finishes the roll-back when asked again', async () => {
    const request = newGardenRequest('undo-fails');
    let undoFailures = 0;
    faults.set(request.slug, {
      before: (activity) => {
        if (activity === 'eraseGardenDefaults' && undoFailures++ === 0) throw injected();
      },
      after: (activity) => {
        if (activity === 'createGardenIdentity') throw injected();
      },
    });
    await bed.commands.create(request, networkAdmin);
    await settled(request.slug, 'create', 'waiting');
    await bed.commands.decide(request.slug, 'create', 'roll-back', networkAdmin);
    // The undo of the settings failed: the roll-back stops there, shown, and waits.
    await expect
      .poll(async () => (await bed.commands.progress(request.slug, 'create'))?.steps[1], poll)
      .toMatchObject({
        step: 'data',
        state: 'failed',
        error: { fr: expect.stringContaining('L’annulation de cette étape a échoué') as unknown },
      });
    const waiting = await settled(request.slug, 'create', 'waiting');
    expect(waiting.steps.map((step) => step.state).slice(0, 4)).toEqual([
      'done',
      'failed',
      'compensated',
      'compensated',
    ]);
    await bed.commands.decide(request.slug, 'create', 'retry', networkAdmin);
    await settled(request.slug, 'create', 'rolled-back');
    await expectNothingLeft(request);
  });

  it('never takes another garden’s account: the first admin’s address in use stops the step, and the roll-back leaves that account alone', async () => {
    const first = await created('owner');
    const request = { ...newGardenRequest('same-admin'), firstAdmin: first.firstAdmin };
    await bed.commands.create(request, networkAdmin);
    const waiting = await settled(request.slug, 'create', 'waiting');
    expect(waiting.steps.find((step) => step.step === 'identity')).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: {
        fr: expect.stringContaining(
          'Un compte existe déjà avec l’adresse du premier administrateur',
        ) as unknown,
      },
    });
    await bed.commands.decide(request.slug, 'create', 'roll-back', networkAdmin);
    await settled(request.slug, 'create', 'rolled-back');
    await expectNothingLeft(request);
    expect((await bed.holdings(first)).accounts).toEqual([
      expect.objectContaining({ email: first.firstAdmin.email, enabled: true }),
    ]);
  });

  it('retries a step after a failure once the admin asks, and completes', async () => {
    const request = newGardenRequest('retry');
    let failures = 0;
    faults.set(request.slug, {
      before: (activity) => {
        if (activity === 'createGardenIdentity' && failures++ === 0) throw injected();
      },
    });
    await bed.commands.create(request, networkAdmin);
    await settled(request.slug, 'create', 'waiting');
    // Nothing but a decision is refused while waiting… and a decision while running.
    const after = await bed.commands.decide(request.slug, 'create', 'retry', networkAdmin);
    expect(after.state).not.toBe('waiting');
    const done = await settled(request.slug, 'create', 'done');
    const identity = done.steps.find((step) => step.step === 'identity');
    expect(identity).toMatchObject({ state: 'done', attempts: 2 });
    expect(identity?.error).toBeUndefined();
    expect((await bed.holdings(request)).registry?.state).toBe('active');
  });

  it('resumes after its worker is stopped mid-step, with nothing twice', async () => {
    const request = newGardenRequest('killed');
    let blocked: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (blocked = resolve));
    let calls = 0;
    faults.set(request.slug, {
      // The identity step did its work, then hangs until the worker goes (as if killed there).
      after: async (activity) => {
        if (activity !== 'createGardenIdentity' || calls++ > 0) return;
        blocked();
        await Context.current().cancelled;
      },
    });
    await bed.commands.create(request, networkAdmin);
    await reached;
    await worker.stop();
    worker = await startWorker();
    await settled(request.slug, 'create', 'done');
    expect(calls).toBe(2);
    const holdings = await bed.holdings(request);
    expect(holdings.accounts).toHaveLength(1);
    expect(holdings.schedules).toHaveLength(2);
    await expect.poll(async () => (await keycloakEmailsTo(request.firstAdmin.email)).length, poll).toBe(1);
    expect(await emailsTo(request.firstAdmin.email)).toHaveLength(1);
  });

  it('retires a garden: exported, its workflows closed, everything gone but its invoices', async () => {
    const request = await created('retire');
    const gardenId = request.slug;
    // An invoice, its PDF, and a workflow running on the garden's worker.
    await bed.store.db.send(
      new PutCommand({
        TableName: bed.store.tables.gardens,
        Item: { pk: gardenId, sk: 'INVOICE#000000001', entity: 'invoice', number: 1 },
      }),
    );
    await bed.blobs.putJson(`${gardenId}/invoices/F-000001.pdf`, { test: 'pdf' });
    // A record of its extensions, in the control table.
    const extensionRecord = { pk: `EXTENSIONS#${gardenId}`, sk: 'VERSION#test#1.0.0' };
    await bed.store.db.send(new PutCommand({ TableName: bed.store.tables.control, Item: extensionRecord }));
    // A member's calendar feed: its token leads from the control table to the garden.
    const feedToken = await bed.store.calendarLinks.current(gardenId, 'member-feed');
    expect(await bed.store.calendarLinks.resolve(feedToken)).toEqual({ gardenId, memberId: 'member-feed' });
    const native = await NativeConnection.connect({ address: testEnvironment().TEMPORAL_ADDRESS });
    const gardenWorker = await Worker.create({
      dataConverter: testDataConverter(),
      connection: native,
      namespace: testEnvironment().TEMPORAL_NAMESPACE,
      taskQueue: gardenTaskQueue(gardenId),
      workflowBundle: await workflowBundle(),
      activities: testActivities(bed.store),
    });
    const gardenRun = gardenWorker.run();
    try {
      const rollout = await bed.client.workflow.start(extensionRolloutType, {
        taskQueue: gardenTaskQueue(gardenId),
        workflowId: `${gardenId}/extension/test-${randomUUID().slice(0, 6)}`,
        args: [{ gardenId, name: 'test' }],
        typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
      });
      // Visible to the garden's list before the retirement looks for it.
      await expect
        .poll(async () => {
          let count = 0;
          for await (const _ of bed.client.workflow.list({
            query: `GardenId = '${gardenId}' AND ExecutionStatus = 'Running' AND WorkflowType = '${extensionRolloutType}'`,
          }))
            count++;
          return count;
        }, poll)
        .toBe(1);

      await expect(bed.commands.decide(gardenId, 'retire', 'retry', networkAdmin)).rejects.toMatchObject({
        code: 'conflict',
      });
      await bed.commands.retire(gardenId, networkAdmin);
      const done = await settled(gardenId, 'retire', 'done');
      expect(done.steps.map((step) => [step.step, step.state])).toEqual(
        retirementSteps.map((step) => [step, 'done']),
      );
      // The schedules stop first: one firing during the close would start a workflow nobody closes.
      expect(retirementSteps.indexOf('schedules')).toBeLessThan(retirementSteps.indexOf('close-workflows'));
      expect((await rollout.describe()).status.name).toBe('CANCELLED');
      expect(done.steps.find((step) => step.step === 'data')?.note?.fr).toContain(`${gardenId}/invoices/`);

      await finalizeNamespace(gardenId);
      const holdings = await bed.holdings(request);
      expect(holdings.registry?.state).toBe('retired');
      expect(holdings.records).toEqual(['INVOICE#000000001']);
      expect(holdings.files.filter((file) => !file.startsWith(`${gardenId}/exports/`))).toEqual([
        `${gardenId}/invoices/.keep`,
        `${gardenId}/invoices/F-000001.pdf`,
      ]);
      const exports = holdings.files.filter((file) => /\/exports\/retirement-.*\.json$/.test(file));
      expect(exports).toHaveLength(1);
      const exported = await bed.blobs.readJson<{
        records: Array<{ sk: string }>;
        extensionRecords: Array<{ sk: string }>;
      }>(exports[0] ?? '-');
      expect(exported?.records.map((record) => record.sk)).toEqual(
        expect.arrayContaining(['INVOICE#000000001', 'SETTINGS#RULES']),
      );
      expect(exported?.extensionRecords.map((record) => record.sk)).toEqual(['VERSION#test#1.0.0']);
      expect(
        await bed.store.db.send(
          new GetCommand({ TableName: bed.store.tables.control, Key: extensionRecord }),
        ),
      ).not.toHaveProperty('Item');
      // The feed's token no longer opens anything.
      expect(await bed.store.calendarLinks.resolve(feedToken)).toBeUndefined();
      expect(holdings.group).toBeUndefined();
      expect(holdings.accounts.map((account) => account.enabled)).toEqual([false]);
      expect(holdings.schedules).toEqual([]);
      expect(holdings.cluster).toEqual({ namespace: 'absent', objects: [] });
      // A retired garden cannot be retired again.
      await expect(bed.commands.retire(gardenId, networkAdmin)).rejects.toMatchObject({ code: 'conflict' });

      // The tests' own cleanup leaves nothing at all, the kept invoices and export included.
      await bed.leaveNothingOf(request);
      const left = await bed.holdings(request);
      expect({ registry: left.registry, records: left.records, files: left.files }).toEqual({
        registry: undefined,
        records: [],
        files: [],
      });
      expect(left.accounts).toEqual([]);
    } finally {
      gardenWorker.shutdown();
      await gardenRun;
      await native.close();
    }
  });

  it('refuses to roll back a retirement, and waits for a retry instead', async () => {
    const request = await created('retire-fail');
    let failures = 0;
    faults.set(request.slug, {
      before: (activity) => {
        if (activity === 'disableGardenIdentity' && failures++ === 0) throw injected();
      },
    });
    await bed.commands.retire(request.slug, networkAdmin);
    const waiting = await settled(request.slug, 'retire', 'waiting');
    expect(waiting.steps.find((step) => step.step === 'identity')?.state).toBe('failed');
    await expect(
      bed.commands.decide(request.slug, 'retire', 'roll-back', networkAdmin),
    ).rejects.toMatchObject({
      code: 'conflict',
      messages: { fr: expect.stringContaining('ne se défait pas') as unknown },
    });
    await bed.commands.decide(request.slug, 'retire', 'retry', networkAdmin);
    await settled(request.slug, 'retire', 'done');
    expect((await bed.store.gardens.get(request.slug))?.state).toBe('retired');
  });

  it('a worker limited to some gardens (WORKER_GARDENS) polls only theirs', async () => {
    const gardenA = await bed.commands.create(newGardenRequest('only-a'), networkAdmin);
    const gardenB = await bed.commands.create(newGardenRequest('only-b'), networkAdmin);
    await settled(gardenA.gardenId, 'create', 'done');
    await settled(gardenB.gardenId, 'create', 'done');
    const native = await NativeConnection.connect({ address: testEnvironment().TEMPORAL_ADDRESS });
    const logs: string[] = [];
    const workers = createGardenWorkers({
      connection: native,
      namespace: testEnvironment().TEMPORAL_NAMESPACE ?? 'cocagne',
      activities: testActivities(bed.store),
      workflows: await workflowBundle(),
      gardens: bed.store.gardens,
      only: [gardenA.gardenId],
      refreshIntervalMs: 60 * 60_000,
      log: (message) => logs.push(message),
    });
    const running = workers.run();
    try {
      await expect.poll(() => workers.gardens(), poll).toEqual([gardenA.gardenId]);
      expect(logs).toEqual([`worker polling ${gardenTaskQueue(gardenA.gardenId)}`]);
    } finally {
      await workers.stop();
      await running;
      await native.close();
    }
  });

  it('a worker process limited to a garden does not serve the network queue', async () => {
    const request = await created('process');
    const { child, output } = await startWorkerProcess(request.slug);
    try {
      expect(output()).toContain(`worker polling ${gardenTaskQueue(request.slug)}`);
      expect(output()).not.toContain('worker polling network');
    } finally {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
  });
});

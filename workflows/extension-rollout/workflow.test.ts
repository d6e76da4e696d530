import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createRolloutActivities } from '../../activities/extensions/rollout-activities.ts';
import type { ExtensionServices } from '../../activities/extensions/services.ts';
import { MailerSettings, mailerFrom } from '../../adapters/messaging/mailer.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import type { SelfTestReport } from '../../domain/extension-rollout.ts';
import type { Store } from '../../adapters/store/index.ts';
import { createTestGarden, testActivities, testEnvironment } from '../../tests/support/environment.ts';
import {
  priceInput,
  sampleUpload,
  testExtensionServices,
  type SampleUpload,
} from '../../tests/support/extensions.ts';
import { emailsTo, ensureTestSender } from '../../tests/support/moto.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import { waitingOnKey } from '../search-attributes.ts';
import {
  approveVersionUpdate,
  extensionRolloutProcessId,
  extensionRolloutType,
  rejectVersionUpdate,
  rollbackVersionUpdate,
  rolloutStatusQuery,
  versionUploadedSignal,
  type RolloutPhase,
  type RolloutTimings,
} from './contract.ts';
import { createExtensionCommands } from '../../temporal/extension-client.ts';
import type { extensionRollout } from './workflow.ts';

const admin = { userId: 'u-admin', name: 'Claire Vuillemin' };
const hour = 3_600_000;
const day = 24 * hour;
/** Short enough for tests, with the same shape as the defaults. */
const timings: RolloutTimings = {
  probationMs: 2 * day,
  checkEveryMs: hour,
  remindEveryMs: 3 * day,
  rule: { minCalls: 5, maxExtraRate: 0.05 },
};

describe('the rollout of an extension in a garden', () => {
  const garden = workflowTestGarden('extension-rollout', { serverPerTest: true });
  let services: ExtensionServices;
  let quotient: SampleUpload;
  let trap: SampleUpload;

  beforeAll(async () => {
    [quotient, trap] = await Promise.all([sampleUpload('quotient-familial'), sampleUpload('hostile-trap')]);
    await ensureTestSender();
  }, 120_000);
  afterAll(async () => {
    await services?.close();
  });

  /** The worker's activities, with the rollout's over this test's extension services. */
  function activities(store: Store) {
    services ??= testExtensionServices(store);
    return {
      ...testActivities(store),
      ...createRolloutActivities({
        extensions: services,
        gardens: store.gardens,
        mailer: mailerFrom(readConfiguration(MailerSettings, testEnvironment())),
        publicUrl: 'http://localhost:8080',
      }),
    };
  }

  /**
   * Stores an upload and tells the garden's rollout of it (started by the first upload). With
   * `selfTests`, the version's self-tests are recorded as passed on that report before the rollout
   * sees it (the activity keeps a recorded report), for a module that passes its cases but fails
   * on what the garden's calls send.
   */
  async function upload(
    env: TestWorkflowEnvironment,
    taskQueue: string,
    gardenId: string,
    sample: SampleUpload,
    selfTests?: SelfTestReport,
  ) {
    await services.catalogue.upload(gardenId, sample, { by: admin, at: new Date().toISOString() });
    if (selfTests) {
      const { name, version } = sample.manifest;
      await services.catalogue.records.updateVersion(gardenId, name, version, { selfTests });
    }
    return env.client.workflow.signalWithStart<typeof extensionRollout, [{ version: string }]>(
      extensionRolloutType,
      {
        taskQueue,
        workflowId: extensionRolloutProcessId(gardenId, sample.manifest.name),
        args: [{ gardenId, name: sample.manifest.name, timings }],
        signal: versionUploadedSignal,
        signalArgs: [{ version: sample.manifest.version }],
      },
    );
  }

  type Handle = Awaited<ReturnType<typeof upload>>;
  const phaseOf = async (handle: Handle) => (await handle.query(rolloutStatusQuery)).phase;
  const reaches = (handle: Handle, phase: RolloutPhase) =>
    expect.poll(() => phaseOf(handle), { timeout: 30_000, interval: 200 }).toBe(phase);

  it('checks, self-tests and compares a version, reminds the admins, and activates it once approved', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-approved');
    const contact = (await store.gardens.get(gardenId))!.contactEmail;
    await withTestWorker(env, activities(store), async (taskQueue) => {
      // A real call before: its input is one of those the diff answers.
      await services.runner.runHook(gardenId, 'solidarity-price', priceInput);
      await services.runner.flush();
      const handle = await upload(env, taskQueue, gardenId, quotient);
      await reaches(handle, 'awaiting-approval');
      expect((await handle.describe()).typedSearchAttributes.get(waitingOnKey)).toBe('extension-approval');
      const record = await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0');
      expect(record).toMatchObject({
        status: 'awaiting-approval',
        staticCheck: { passed: true, forbiddenImports: [], missingExports: [] },
        selfTests: { passed: true, failed: 0 },
        diff: { compared: 2 },
      });
      expect(record?.selfTests?.total).toBeGreaterThanOrEqual(3);
      // The recent input gets the solidarity tier now: the diff shows it.
      expect(record?.diff?.differences[0]).toMatchObject({
        source: 'recent',
        same: false,
        before: { tierId: null },
        after: { tierId: 'solidaire' },
      });
      // Still not active, whatever happens meanwhile.
      expect((await services.catalogue.activeSet(gardenId)).active).toEqual([]);

      // Nobody decides for three days: the admins are reminded.
      await env.sleep(timings.remindEveryMs + hour);
      await expect
        .poll(async () => (await emailsTo(contact)).map((email) => email.subject), { timeout: 15_000 })
        .toContain('Cocagne : l’extension quotient-familial 1.0.0 attend votre validation');

      // Approving a version nobody uploaded is refused; the right one is activated.
      await expect(
        handle.executeUpdate(approveVersionUpdate, { args: [{ actor: admin, version: '9.9.9' }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const approved = await handle.executeUpdate(approveVersionUpdate, {
        args: [{ actor: admin, version: '1.0.0' }],
      });
      expect(approved).toMatchObject({ phase: 'probation', active: '1.0.0', version: '1.0.0' });
      expect((await services.catalogue.activeSet(gardenId)).active).toMatchObject([
        { name: 'quotient-familial', version: '1.0.0' },
      ]);
      expect(await services.runner.runHook(gardenId, 'solidarity-price', priceInput)).toMatchObject({
        source: 'extension',
        output: { tierId: 'solidaire' },
      });

      // Probation passes without trouble: the version stays active.
      await env.sleep(timings.probationMs + hour);
      await reaches(handle, 'idle');
      expect(await handle.query(rolloutStatusQuery)).toMatchObject({
        active: '1.0.0',
        outcome: { version: '1.0.0', result: 'active' },
      });
      expect(await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
        status: 'active',
        approval: { by: admin },
      });
    });
  });

  it('never activates a rejected version', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-rejected');
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const handle = await upload(env, taskQueue, gardenId, quotient);
      await reaches(handle, 'awaiting-approval');
      // A rejection says why.
      await expect(
        handle.executeUpdate(rejectVersionUpdate, {
          args: [{ actor: admin, version: '1.0.0', reason: '  ' }],
        }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const rejected = await handle.executeUpdate(rejectVersionUpdate, {
        args: [{ actor: admin, version: '1.0.0', reason: 'Les seuils ne sont pas les nôtres.' }],
      });
      expect(rejected).toMatchObject({ phase: 'idle', outcome: { version: '1.0.0', result: 'rejected' } });
      expect(rejected.active).toBeUndefined();
      expect((await services.catalogue.activeSet(gardenId)).active).toEqual([]);
      expect(await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
        status: 'rejected',
        rejection: { by: admin, reason: 'Les seuils ne sont pas les nôtres.' },
      });
    });
  });

  it('never activates a version whose self-tests fail', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-self-tests');
    const cases = quotient.testVectors['solidarity-price'] ?? [];
    const wrong = {
      ...quotient,
      manifest: { ...quotient.manifest, version: '1.0.1' },
      testVectors: {
        'solidarity-price': [
          ...cases,
          { name: 'a wrong expectation', input: priceInput, output: { tierId: null, basketPrice: 1 } },
        ],
      },
    };
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const handle = await upload(env, taskQueue, gardenId, wrong);
      await expect
        .poll(async () => (await handle.query(rolloutStatusQuery)).outcome, { timeout: 30_000 })
        .toEqual({ version: '1.0.1', result: 'self-tests-failed' });
      const record = await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.1');
      expect(record).toMatchObject({ status: 'self-tests-failed', selfTests: { passed: false, failed: 1 } });
      expect(record?.selfTests?.results.find((result) => !result.passed)).toMatchObject({
        name: 'a wrong expectation',
        actual: { tierId: 'solidaire', basketPrice: 850 },
      });
      expect(record?.approval).toBeUndefined();
      expect((await services.catalogue.activeSet(gardenId)).active).toEqual([]);
      // An approval has nothing to approve.
      await expect(
        handle.executeUpdate(approveVersionUpdate, { args: [{ actor: admin, version: '1.0.1' }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    });
  });

  it('never activates a version with no case at all: no test vector, no golden case for its hooks', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-no-case');
    const untested = { ...quotient, testVectors: {} };
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const handle = await upload(env, taskQueue, gardenId, untested);
      await expect
        .poll(async () => (await handle.query(rolloutStatusQuery)).outcome, { timeout: 30_000 })
        .toEqual({ version: '1.0.0', result: 'self-tests-failed' });
      const record = await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0');
      expect(record).toMatchObject({
        status: 'self-tests-failed',
        selfTests: { passed: false, total: 0, failed: 0 },
      });
      expect(record?.history.at(-1)?.what.en).toContain('an extension with no case cannot be judged');
      // It never reached approval: no diff, nothing to approve, nothing active.
      expect(record?.diff).toBeUndefined();
      await expect(
        handle.executeUpdate(approveVersionUpdate, { args: [{ actor: admin, version: '1.0.0' }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect((await services.catalogue.activeSet(gardenId)).active).toEqual([]);
    });
  });

  it('rolls a version back by itself when it fails more than the one before, and tells the admins', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-auto-rollback');
    const contact = (await store.gardens.get(gardenId))!.contactEmail;
    // A new version that traps on every call. A version with no case fails its self-tests (below)
    // and the trap fails any case, so its self-tests are recorded as passed on one case, as a
    // module whose cases miss what the garden's calls send would pass them.
    const broken = {
      ...trap,
      manifest: { ...quotient.manifest, version: '1.1.0' },
      testVectors: {},
    };
    const blindSpot: SelfTestReport = {
      passed: true,
      total: 1,
      failed: 0,
      results: [
        {
          kind: 'vector',
          hook: 'solidarity-price',
          name: 'a case the garden never sends',
          passed: true,
          expected: { tierId: null, basketPrice: 1700 },
          actual: { tierId: null, basketPrice: 1700 },
        },
      ],
    };
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const handle = await upload(env, taskQueue, gardenId, quotient);
      await reaches(handle, 'awaiting-approval');
      await handle.executeUpdate(approveVersionUpdate, { args: [{ actor: admin, version: '1.0.0' }] });
      await env.sleep(timings.probationMs + hour);
      await reaches(handle, 'idle');

      await upload(env, taskQueue, gardenId, broken, blindSpot);
      await reaches(handle, 'awaiting-approval');
      const record = await services.catalogue.records.version(gardenId, 'quotient-familial', '1.1.0');
      // The diff shows the admin what it would do: fail, and the built-in answers.
      expect(record?.diff).toMatchObject({ against: '1.0.0' });
      expect(record?.diff?.failed).toBeGreaterThan(0);
      const approved = await handle.executeUpdate(approveVersionUpdate, {
        args: [{ actor: admin, version: '1.1.0' }],
      });
      expect(approved).toMatchObject({ phase: 'probation', active: '1.1.0', previous: '1.0.0' });

      // The garden's calls fail on it: each answered by the built-in behaviour, and counted.
      for (let call = 0; call < 8; call++) {
        expect(await services.runner.runHook(gardenId, 'solidarity-price', priceInput)).toMatchObject({
          source: 'built-in',
          failure: { kind: 'trap' },
          extension: { version: '1.1.0' },
        });
      }
      await services.runner.flush();
      await env.sleep(timings.checkEveryMs + 60_000);
      await reaches(handle, 'idle');
      const status = await handle.query(rolloutStatusQuery);
      expect(status).toMatchObject({ active: '1.0.0', outcome: { version: '1.1.0', result: 'rolled-back' } });
      expect(status.outcome?.reason?.fr).toContain('8 sur 8');
      expect((await services.catalogue.activeSet(gardenId)).active).toMatchObject([
        { name: 'quotient-familial', version: '1.0.0' },
      ]);
      expect(await services.runner.runHook(gardenId, 'solidarity-price', priceInput)).toMatchObject({
        source: 'extension',
        extension: { version: '1.0.0' },
      });
      expect(await services.catalogue.records.version(gardenId, 'quotient-familial', '1.1.0')).toMatchObject({
        status: 'rolled-back',
        rollback: { to: '1.0.0' },
      });
      expect(await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
        status: 'active',
      });
      await expect
        .poll(async () => (await emailsTo(contact)).map((email) => email.subject), { timeout: 15_000 })
        .toContain('Cocagne : l’extension quotient-familial 1.1.0 a été désactivée');
    });
  });

  it('rolls the active version back when an admin asks, during probation', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-manual-rollback');
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const handle = await upload(env, taskQueue, gardenId, quotient);
      await reaches(handle, 'awaiting-approval');
      // Nothing active yet: nothing to roll back.
      await expect(
        handle.executeUpdate(rollbackVersionUpdate, { args: [{ actor: admin }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await handle.executeUpdate(approveVersionUpdate, { args: [{ actor: admin, version: '1.0.0' }] });
      const back = await handle.executeUpdate(rollbackVersionUpdate, {
        args: [{ actor: admin, version: '1.0.0', reason: 'Nos tarifs changent en janvier.' }],
      });
      expect(back).toMatchObject({ phase: 'idle', outcome: { version: '1.0.0', result: 'rolled-back' } });
      expect(back.active).toBeUndefined();
      expect((await services.catalogue.activeSet(gardenId)).active).toEqual([]);
      expect(await services.runner.runHook(gardenId, 'solidarity-price', priceInput)).toMatchObject({
        source: 'built-in',
      });
      expect(await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
        status: 'rolled-back',
        rollback: { by: admin, reason: { fr: 'Nos tarifs changent en janvier.' } },
      });
    });
  });
  it('adopts a version activated without a rollout (the demo seed’s), which an admin can then roll back', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-adopted');
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const at = new Date().toISOString();
      await services.catalogue.upload(gardenId, quotient, { by: admin, at });
      await services.catalogue.activate(gardenId, 'quotient-familial', '1.0.0', { at });
      const commands = createExtensionCommands(env.client, { timings, taskQueue });
      expect(await commands.adopt(gardenId, 'quotient-familial', '1.0.0')).toBe(true);
      // At the next start, the rollout already runs: nothing changes.
      expect(await commands.adopt(gardenId, 'quotient-familial', '1.0.0')).toBe(false);
      const handle = env.client.workflow.getHandle(extensionRolloutProcessId(gardenId, 'quotient-familial'));
      await expect
        .poll(async () => (await handle.query(rolloutStatusQuery)).active, { timeout: 30_000 })
        .toBe('1.0.0');
      const back = await handle.executeUpdate(rollbackVersionUpdate, {
        args: [{ actor: admin, version: '1.0.0' }],
      });
      expect(back).toMatchObject({ phase: 'idle', outcome: { version: '1.0.0', result: 'rolled-back' } });
      expect((await services.catalogue.activeSet(gardenId)).active).toEqual([]);
    });
  });

  it('never activates a module that does not export what its manifest claims (static checks)', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-checks');
    const claimsMore = {
      ...quotient,
      manifest: { ...quotient.manifest, hooks: ['solidarity-price', 'sign-up-checks'] },
      testVectors: {},
    };
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const handle = await upload(env, taskQueue, gardenId, claimsMore);
      await expect
        .poll(async () => (await handle.query(rolloutStatusQuery)).outcome, { timeout: 30_000 })
        .toEqual({ version: '1.0.0', result: 'checks-failed' });
      expect(await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
        status: 'checks-failed',
        staticCheck: { passed: false, missingExports: ['sign_up_checks'], forbiddenImports: [] },
      });
      expect((await services.catalogue.activeSet(gardenId)).active).toEqual([]);
    });
  });

  it('replaces a version awaiting approval by a newer upload, and ends a probation early for one', async () => {
    const { env, store } = garden;
    const { gardenId } = await createTestGarden(store, 'ext-newer');
    const as = (version: string) => ({ ...quotient, manifest: { ...quotient.manifest, version } });
    await withTestWorker(env, activities(store), async (taskQueue) => {
      const handle = await upload(env, taskQueue, gardenId, as('1.0.0'));
      await reaches(handle, 'awaiting-approval');
      await upload(env, taskQueue, gardenId, as('1.0.1'));
      await expect
        .poll(async () => (await handle.query(rolloutStatusQuery)).version, { timeout: 30_000 })
        .toBe('1.0.1');
      await reaches(handle, 'awaiting-approval');
      expect((await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.0'))?.status).toBe(
        'superseded',
      );
      await handle.executeUpdate(approveVersionUpdate, { args: [{ actor: admin, version: '1.0.1' }] });

      await upload(env, taskQueue, gardenId, as('1.0.2'));
      await expect
        .poll(async () => (await handle.query(rolloutStatusQuery)).version, { timeout: 30_000 })
        .toBe('1.0.2');
      await reaches(handle, 'awaiting-approval');
      expect(await handle.query(rolloutStatusQuery)).toMatchObject({ active: '1.0.1' });
      expect((await services.catalogue.records.version(gardenId, 'quotient-familial', '1.0.1'))?.status).toBe(
        'active',
      );
      expect((await services.catalogue.activeSet(gardenId)).active).toMatchObject([{ version: '1.0.1' }]);
    });
  });
});

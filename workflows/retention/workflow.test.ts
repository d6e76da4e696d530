import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { appendStaffAction, listStaffActions } from '../../adapters/store/action-log.ts';
import { weekDocumentKey } from '../../adapters/store/documents.ts';
import { createRetentionReportStore } from '../../adapters/store/retention-report-store.ts';
import { roundPhotoKey } from '../../adapters/store/round-store.ts';
import type { Store } from '../../adapters/store/index.ts';
import { createMemberErasureActivities } from '../../activities/member-erasure.ts';
import { createRetentionActivities } from '../../activities/retention.ts';
import { createMemberErasureStore } from '../../adapters/store/member-erasure-store.ts';
import { gardenDay } from '../../domain/calendar.ts';
import { monthsBefore } from '../../domain/retention-sweep.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { historiesPurgedAgainAfterDays } from '../../domain/member-erasure.ts';
import { subscriptionProcessId } from '../../domain/process-ids.ts';
import { testActivities, testDocuments } from '../../tests/support/environment.ts';
import { silentLogger } from '../../tests/support/quiet-logger.ts';
import { sleepUntil, testWorkerConverter, workflowTestGarden } from '../../tests/support/temporal.ts';
import { retentionIncidentKey, retentionSweepType, retentionSweepWorkflowId } from './contract.ts';
import type { retentionSweep } from './workflow.ts';

const day = 86_400_000;

// The sweep's own bundle: the test does not depend on the worker's list of workflows.
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
const retentionBundle = () =>
  (bundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
    logger: silentLogger,
  }));

/** Runs `body` with a worker of the sweep on a task queue of its own. */
async function withSweepWorker<T>(
  env: TestWorkflowEnvironment,
  activities: object,
  body: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await retentionBundle(),
    activities,
    ...testWorkerConverter(),
  });
  return worker.runUntil(body(taskQueue));
}

/** The sweep's activities, built here, with the worker's others (incidents) beside them. */
function sweepActivities(store: Store, replaced: object = {}) {
  return {
    ...testActivities(store),
    ...createRetentionActivities({ store, documents: testDocuments() }),
    ...replaced,
  };
}

const sweep = (env: TestWorkflowEnvironment, taskQueue: string, gardenId: string, pages = {}) =>
  env.client.workflow.execute<typeof retentionSweep>(retentionSweepType, {
    taskQueue,
    workflowId: `${retentionSweepWorkflowId(gardenId)}-${randomUUID().slice(0, 8)}`,
    args: [{ gardenId, ...pages }],
  });

/**
 * The retention sweep on the time-skipping server: records made at instants relative to the
 * server's clock, then months skipped; the sweep deletes what has had its period and keeps the
 * rest, and its report is kept with the right counts.
 */
const documents = testDocuments();
const exists = (key: string) =>
  documents.get(key).then(
    () => true,
    () => false,
  );

describe('the retention sweep', { timeout: 180_000 }, () => {
  const garden = workflowTestGarden('retention-sweep');

  it('deletes what has had its year after a month is skipped, keeps the rest, and reports it', async () => {
    const { env, store, gardenId } = garden;
    const start = await env.currentTimeMs();
    const ago = (days: number) => new Date(start - days * day).toISOString();
    const dayAgo = (days: number) => gardenDay(new Date(start - days * day));

    // The log of messages: 400 days old (due now), 350 (due once a month has passed), 30 (kept).
    for (const [key, days] of [
      ['old', 400],
      ['soon-old', 350],
      ['recent', 30],
    ] as const) {
      await store.notifications.claim({
        idempotencyKey: key,
        gardenId,
        memberId: 'm-rose',
        kind: 'delivery-reminder',
        subject: 'Rappel',
        now: ago(days),
      });
    }
    // Rounds of the same days, each with a proof photo.
    const photos: Record<string, string> = {};
    for (const [name, days] of [
      ['old', 400],
      ['soon-old', 350],
      ['recent', 30],
    ] as const) {
      const date = dayAgo(days);
      await store.rounds.savePlan({
        gardenId,
        date,
        week: isoWeek(date),
        phase: 'done',
        revision: 1,
        stops: [],
        pins: [],
        deadline: `${date}T06:00:00.000Z`,
        updatedAt: `${date}T06:00:00.000Z`,
      });
      const photoId = randomUUID();
      await store.rounds.addMark(gardenId, date, {
        markId: `mark-${name}`,
        stopId: `home.m-rose.${date}`,
        outcome: 'delivered',
        photoKey: photoId,
        markedAt: `${date}T09:00:00.000Z`,
        receivedAt: `${date}T09:00:00.000Z`,
        by: { userId: 'u-driver', name: 'Léa' },
      });
      photos[name] = roundPhotoKey(gardenId, date, photoId);
      await documents.put(photos[name], new Uint8Array([255, 216, 255]), 'image/jpeg');
    }
    // A week's signing sheet 400 days back, one 30 days back.
    const sheets: Record<string, string> = {};
    for (const [name, days] of [
      ['old', 400],
      ['recent', 30],
    ] as const) {
      const week = isoWeek(dayAgo(days));
      sheets[name] = weekDocumentKey(gardenId, week, 'emargement-d-centre.pdf');
      await documents.put(sheets[name], new Uint8Array([37, 80, 68, 70]), 'application/pdf');
      await store.weeks.saveSummary({
        gardenId,
        week,
        counts: { byDepot: {}, total: { small: 0, medium: 0, large: 0 } },
        overCapacity: [],
        absences: 0,
        documents: [
          { name: 'emargement-d-centre.pdf', title: 'Émargement', depotId: 'd-centre', key: sheets[name] },
        ],
        updatedAt: ago(days),
      });
    }
    // Where staff requests came from, in time order.
    for (const days of [400, 350, 30]) {
      await appendStaffAction(
        store,
        gardenId,
        {
          action: 'depot.updated',
          subject: { kind: 'depot', id: 'd-centre' },
          actor: { id: 'u-paul', name: 'Paul' },
        },
        { ip: '203.0.113.7', userAgent: 'Firefox' },
        [],
        { at: ago(days) },
      );
    }
    // A member last seen four years ago, and one seen last month.
    await store.members.create(gardenId, 'm-ancien', { firstName: 'Jean', lastName: 'Ancien' }, ago(4 * 366));
    await store.members.create(gardenId, 'm-fidele', { firstName: 'Anne', lastName: 'Fidèle' }, ago(30));

    // A month passes.
    await env.sleep(30 * day);

    const report = await withSweepWorker(env, sweepActivities(store), (taskQueue) =>
      sweep(env, taskQueue, gardenId, { pageSize: 1 }),
    );
    expect(Date.parse(report.ranAt)).toBeGreaterThanOrEqual(start + 30 * day);
    expect(report).toMatchObject({ gardenId, timeZone: 'Europe/Paris' });
    const byKind = Object.fromEntries(report.rules.map((rule) => [rule.kind, rule]));
    expect(byKind).toMatchObject({
      notificationLog: { removed: 2, errors: 0, outcome: 'done', action: 'delete' },
      signingSheets: { removed: 1, errors: 0, outcome: 'done' },
      deliveryRounds: { removed: 2, errors: 0, outcome: 'done' },
      staffActionLog: { removed: 2, errors: 0, outcome: 'done' },
      inactiveMember: { removed: 1, listed: 0, errors: 0, outcome: 'done', action: 'anonymise' },
    });
    expect(byKind.notificationLog?.keepFrom).toBe(monthsBefore(gardenDay(new Date(report.ranAt)), 12));

    // Gone: the old and the now old; kept: the recent.
    expect(await store.notifications.get(gardenId, 'old')).toBeUndefined();
    expect(await store.notifications.get(gardenId, 'soon-old')).toBeUndefined();
    expect(await store.notifications.get(gardenId, 'recent')).toBeDefined();
    expect(await store.rounds.get(gardenId, dayAgo(400))).toBeUndefined();
    expect(await store.rounds.get(gardenId, dayAgo(350))).toBeUndefined();
    expect(await store.rounds.get(gardenId, dayAgo(30))).toBeDefined();
    expect([
      await exists(photos.old!),
      await exists(photos['soon-old']!),
      await exists(photos.recent!),
    ]).toEqual([false, false, true]);
    expect([await exists(sheets.old!), await exists(sheets.recent!)]).toEqual([false, true]);
    const { entries } = await listStaffActions(store, gardenId);
    // Entry 4 is the inactive member's erasure, which the sweep made after the origins' rule.
    expect(entries.map((entry) => [entry.seq, entry.origin !== undefined])).toEqual([
      [4, false],
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect(entries[0]).toMatchObject({ action: 'member.erased', actor: { id: 'retention' } });
    // The inactive member is erased as on a request: a reference instead of the name.
    const erased = await store.members.get(gardenId, 'm-ancien');
    expect(erased).toMatchObject({ firstName: 'Adhérent effacé', lastName: expect.stringMatching(/^EFF-/) });

    // The report is kept, latest first.
    const kept = await createRetentionReportStore(store.db, store.tables).list(gardenId, { limit: 5 });
    expect(kept.reports).toEqual([report]);
    expect(await store.incidents.list(gardenId)).toEqual([]);
  });
});

describe('the retention sweep when a rule fails', { timeout: 180_000 }, () => {
  const garden = workflowTestGarden('retention-failure');

  it('tells staff when a rule fails after its retries, runs the others, and closes the incident once it passes', async () => {
    const { env, store, gardenId } = garden;
    const start = await env.currentTimeMs();
    const claim = (key: string, days: number) =>
      store.notifications.claim({
        idempotencyKey: key,
        gardenId,
        memberId: 'm-rose',
        kind: 'delivery-reminder',
        subject: 'Rappel',
        now: new Date(start - days * day).toISOString(),
      });
    await claim('first-old', 500);
    await claim('second-old', 450);
    let attempts = 0;
    const broken = {
      async sweepDeliveryRounds(): Promise<never> {
        attempts++;
        throw new Error('S3 is out of reach');
      },
    };

    // Night 1: the rounds fail; one page per rule, so the log's second entry waits for night 2.
    const first = await withSweepWorker(env, sweepActivities(store, broken), (taskQueue) =>
      sweep(env, taskQueue, gardenId, { pageSize: 1, pagesPerRule: 1 }),
    );
    expect(attempts).toBe(10);
    const byKind = Object.fromEntries(first.rules.map((rule) => [rule.kind, rule]));
    expect(byKind.deliveryRounds).toMatchObject({ outcome: 'failed', removed: 0 });
    expect(byKind.notificationLog).toMatchObject({ outcome: 'unfinished', removed: 1 });
    expect(byKind.staffActionLog).toMatchObject({ outcome: 'done' });
    expect(byKind.inactiveMember).toMatchObject({ outcome: 'done' });
    const incidents = await store.incidents.list(gardenId);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      key: retentionIncidentKey('deliveryRounds'),
      kind: 'process-stalled',
      retriesByItself: true,
      cause: expect.stringContaining('S3 is out of reach') as unknown,
    });
    expect(incidents[0]?.summary.fr).toContain('Tournées de livraison');

    // Night 2: everything passes; the incident is closed and the log finished.
    await env.sleep(day);
    const second = await withSweepWorker(env, sweepActivities(store), (taskQueue) =>
      sweep(env, taskQueue, gardenId, { pageSize: 1, pagesPerRule: 5 }),
    );
    expect(second.rules.every((rule) => rule.outcome === 'done')).toBe(true);
    expect(second.rules.find((rule) => rule.kind === 'notificationLog')?.removed).toBe(1);
    expect(await store.incidents.list(gardenId)).toEqual([]);
    const { Item } = await store.db.send(
      new GetCommand({
        TableName: store.tables.gardens,
        Key: { pk: gardenId, sk: 'NOTIFICATION#second-old' },
      }),
    );
    expect(Item).toBeUndefined();
    const kept = await createRetentionReportStore(store.db, store.tables).list(gardenId, { limit: 5 });
    expect(kept.reports.map((report) => report.ranAt)).toEqual([second.ranAt, first.ranAt]);
  });
});

describe('the retention sweep after it erased a member', { timeout: 180_000 }, () => {
  const garden = workflowTestGarden('retention-histories');

  it('purges their histories again days later, keeping for the next night a purge that failed', async () => {
    const { env, store, gardenId, depotId } = garden;
    const start = await env.currentTimeMs();
    const longAgo = new Date(start - 4 * 366 * day).toISOString();
    await store.members.create(gardenId, 'm-parti', { firstName: 'Paul', lastName: 'Parti' }, longAgo);
    const subscriptionId = 'm-parti.2022';
    await store.subscriptions.record({
      id: subscriptionId,
      gardenId,
      memberId: 'm-parti',
      basketSize: 'medium',
      frequency: 'weekly',
      depotId,
      startDate: gardenDay(new Date(start - 4 * 366 * day)),
      status: 'cancelled',
      requested: { by: { userId: 'u-paul', name: 'Paul' }, at: longAgo },
      updatedAt: longAgo,
      revision: 2,
    });
    const processId = subscriptionProcessId(gardenId, subscriptionId);
    // The histories' purge, recorded; it fails while `purgeDown`.
    const purged: string[][] = [];
    let purgeDown = false;
    const erasure = createMemberErasureActivities({
      store,
      documents: testDocuments(),
      mailer: { send: async () => ({ messageId: 'unused' }) } as never,
      accounts: { memberAccountIds: async () => [], deleteMemberAccount: async () => 'deleted' },
      printInvoice: async () => {
        throw new Error('no invoice to print');
      },
      printWeekDocuments: async () => [],
      histories: {
        async purge(_gardenId, workflowIds) {
          if (purgeDown) throw new Error('Temporal is out of reach');
          purged.push([...workflowIds]);
          return { runsDeleted: workflowIds.length, archivedRunsRemoved: 1, stillRunning: [] };
        },
      },
    });
    const night = () =>
      withSweepWorker(env, sweepActivities(store, erasure), (taskQueue) => sweep(env, taskQueue, gardenId));
    const erasures = createMemberErasureStore(store.db, store.tables);

    // Night 1: the member is erased, their subscription's history purged once; nothing due yet.
    const first = await night();
    expect(first.rules.find((rule) => rule.kind === 'inactiveMember')).toMatchObject({ removed: 1 });
    expect(first.historiesPurgedAgain).toEqual({
      members: 0,
      runs: 0,
      errors: 0,
      problems: [],
      outcome: 'done',
    });
    expect(purged).toEqual([[processId]]);
    const [pending] = await erasures.historiesPurgesDue(gardenId, '9999-12-31T00:00:00.000Z');
    expect(pending).toMatchObject({ memberId: 'm-parti', workflowIds: [processId] });
    expect(Date.parse(pending?.due ?? '')).toBe(
      Date.parse(first.ranAt) + historiesPurgedAgainAfterDays * day,
    );

    // A night before it is due, nothing is done (asked of the activity at that instant: the test
    // server's clock may run ahead of the days slept while a loaded machine keeps a step waiting).
    const dueAt = Date.parse(pending?.due ?? '');
    const early = await erasure.purgeErasedHistoriesDue({
      gardenId,
      ranAt: new Date(dueAt - 3_600_000).toISOString(),
    });
    expect(early).toEqual({ members: 0, runs: 0, errors: 0, problems: [], more: false });
    expect(purged).toHaveLength(1);

    // Once due, the purge fails: counted, named by the member's id, kept for the next night.
    await sleepUntil(env, new Date(dueAt + 60_000));
    purgeDown = true;
    const failed = await night();
    expect(failed.historiesPurgedAgain).toMatchObject({
      members: 0,
      errors: 1,
      problems: ['member m-parti: Temporal is out of reach'],
      outcome: 'done',
    });
    expect(await erasures.historiesPurgesDue(gardenId, '9999-12-31T00:00:00.000Z')).toHaveLength(1);

    // The next night it passes, and is forgotten.
    purgeDown = false;
    await env.sleep(day);
    const again = await night();
    expect(again.historiesPurgedAgain).toEqual({
      members: 1,
      runs: 2,
      errors: 0,
      problems: [],
      outcome: 'done',
    });
    expect(purged).toEqual([[processId], [processId]]);
    expect(await erasures.historiesPurgesDue(gardenId, '9999-12-31T00:00:00.000Z')).toEqual([]);
    const kept = await createRetentionReportStore(store.db, store.tables).list(gardenId, { limit: 1 });
    expect(kept.reports[0]?.historiesPurgedAgain).toEqual(again.historiesPurgedAgain);
  });
});

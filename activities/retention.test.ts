import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendStaffAction, listStaffActions } from '../adapters/store/action-log.ts';
import type { Store } from '../adapters/store/index.ts';
import { weekDocumentKey } from '../adapters/store/documents.ts';
import { createRetentionReportStore } from '../adapters/store/retention-report-store.ts';
import { roundPhotoKey } from '../adapters/store/round-store.ts';
import type { Subscription } from '../domain/subscription.ts';
import { createTestGarden, testDocuments, testStore } from '../tests/support/environment.ts';
import { versionsOf } from '../tests/support/traces.ts';
import { createRetentionActivities, type RetentionPlan, type SweepPageInput } from './retention.ts';

/** The run's instant: a fixed night, far from today's date (the sweep takes its clock from the workflow). */
const ranAt = '2031-06-15T02:10:00.000Z';
const paul = { id: 'u-paul', name: 'Paul R.', role: 'staff' };
const driver = { userId: 'u-driver', name: 'Léa' };

/**
 * Each rule of the retention sweep against DynamoDB Local and S3: what has had its period goes,
 * what has not stays, a malformed record is counted and left, and pages follow one another.
 */
describe('retention activities', { timeout: 60_000 }, () => {
  const documents = testDocuments();
  let store: Store;
  let gardenId: string;
  let plan: RetentionPlan;
  let activities: ReturnType<typeof createRetentionActivities>;
  const exists = (key: string) =>
    documents.get(key).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'retention'));
    activities = createRetentionActivities({ store, documents, now: () => new Date(ranAt) });
    plan = await activities.planRetentionSweep({ gardenId, ranAt });
  });
  afterAll(() => store?.close());

  /** Every page of a rule, as the workflow loops: the pages' sum. */
  async function sweepAll<
    T extends {
      removed: number;
      errors: number;
      problems: readonly string[];
      more: boolean;
      cursor?: string;
    },
  >(page: (input: SweepPageInput) => Promise<T>, cutoff: SweepPageInput['cutoff'], limit: number) {
    const pages: T[] = [];
    let cursor: string | undefined;
    for (;;) {
      const result = await page({ gardenId, cutoff, timeZone: plan.timeZone, cursor, limit });
      pages.push(result);
      if (!result.more) break;
      cursor = result.cursor;
      expect(pages.length).toBeLessThan(100);
    }
    return {
      pages,
      removed: pages.reduce((sum, each) => sum + each.removed, 0),
      errors: pages.reduce((sum, each) => sum + each.errors, 0),
      problems: pages.flatMap((each) => each.problems),
    };
  }

  it('fixes each rule’s first day kept from the run’s night in the garden’s time zone', () => {
    expect(plan.timeZone).toBe('Europe/Paris');
    expect(plan.cutoffs.notificationLog).toMatchObject({
      keepFrom: '2030-06-15',
      keepFromInstant: '2030-06-14T22:00:00.000Z',
    });
    expect(plan.cutoffs.inactiveMember.keepFrom).toBe('2028-06-15');
    expect(plan.previouslyFailed).toEqual([]);
  });

  it('refuses for good a garden that is not registered', async () => {
    await expect(
      activities.planRetentionSweep({ gardenId: 't-nowhere-00000000', ranAt }),
    ).rejects.toMatchObject({
      type: 'garden_not_found',
      nonRetryable: true,
    });
  });

  it('deletes the notification log entries older than their year, in pages, and counts the malformed', async () => {
    const claim = (key: string, now: string) =>
      store.notifications.claim({
        idempotencyKey: key,
        gardenId,
        memberId: 'm-rose',
        kind: 'delivery-reminder',
        subject: 'Rappel de livraison',
        now,
      });
    const old = Array.from({ length: 7 }, (_, index) => `old-${index}-${randomUUID().slice(0, 6)}`);
    for (const [index, key] of old.entries()) await claim(key, `2030-0${1 + (index % 5)}-10T08:00:00.000Z`);
    // The last evening before the first day kept (Paris), and its first minute.
    await claim('eve', '2030-06-14T21:59:59.000Z');
    await claim('kept-first-minute', '2030-06-14T22:00:30.000Z');
    await claim('kept-recent', '2031-05-01T08:00:00.000Z');
    await store.db.send(
      new PutCommand({
        TableName: store.tables.gardens,
        Item: { pk: gardenId, sk: 'NOTIFICATION#undated', entity: 'notification', createdAt: 12 },
      }),
    );

    const swept = await sweepAll(
      (input) => activities.sweepNotificationLog(input),
      plan.cutoffs.notificationLog,
      3,
    );
    expect(swept.removed).toBe(8);
    expect(swept.errors).toBe(1);
    expect(swept.problems).toEqual(['NOTIFICATION#undated: no readable sending date']);
    expect(swept.pages.length).toBeGreaterThan(2);
    for (const key of [...old, 'eve']) expect(await store.notifications.get(gardenId, key)).toBeUndefined();
    expect(await store.notifications.get(gardenId, 'kept-first-minute')).toBeDefined();
    expect(await store.notifications.get(gardenId, 'kept-recent')).toBeDefined();
    const { Item } = await store.db.send(
      new GetCommand({ TableName: store.tables.gardens, Key: { pk: gardenId, sk: 'NOTIFICATION#undated' } }),
    );
    expect(Item).toBeDefined();
    // The member's own list no longer shows them.
    const listed = await store.notifications.listForMember(gardenId, 'm-rose', { limit: 50 });
    expect(listed.entries.map((entry) => entry.idempotencyKey).sort()).toEqual([
      'kept-first-minute',
      'kept-recent',
    ]);
    // Again: nothing more to do.
    expect(
      (await sweepAll((input) => activities.sweepNotificationLog(input), plan.cutoffs.notificationLog, 3))
        .removed,
    ).toBe(0);
  });

  it('deletes the signing sheets of weeks wholly before the cutoff, in S3 and in the week’s list', async () => {
    // Delivery weeks: 2030-W23 ends Sunday 9 June 2030 (before the 15th: due); 2030-W24 ends on the 16th (kept).
    const weekSummary = async (week: string, documentsOfWeek: unknown) =>
      store.db.send(
        new PutCommand({
          TableName: store.tables.gardens,
          Item: {
            pk: gardenId,
            sk: `WEEK#${week}#SUMMARY`,
            entity: 'week-summary',
            gardenId,
            week,
            counts: { byDepot: {}, total: { small: 0, medium: 0, large: 0 } },
            overCapacity: [],
            absences: 0,
            documents: documentsOfWeek,
            updatedAt: '2030-01-01T00:00:00.000Z',
          },
        }),
      );
    const printed = async (week: string) => {
      const listed = [
        {
          name: 'recolte.pdf',
          title: 'Liste de récolte',
          key: weekDocumentKey(gardenId, week, 'recolte.pdf'),
        },
        {
          name: 'emargement-d-centre.pdf',
          title: "Feuille d'émargement",
          depotId: 'd-centre',
          key: weekDocumentKey(gardenId, week, 'emargement-d-centre.pdf'),
        },
        {
          name: 'domicile-d-tournee.pdf',
          title: 'Livraisons à domicile',
          depotId: 'd-tournee',
          key: weekDocumentKey(gardenId, week, 'domicile-d-tournee.pdf'),
        },
      ];
      for (const document of listed)
        await documents.put(document.key, new Uint8Array([37, 80, 68, 70]), 'application/pdf');
      await weekSummary(week, listed);
      return listed.map((document) => document.key);
    };
    const [oldHarvest, ...oldSheets] = await printed('2030-W10');
    const [dueHarvest, ...dueSheets] = await printed('2030-W23');
    const keptKeys = await printed('2030-W24');
    await weekSummary('2030-W11', 'not a list');
    await weekSummary('2030-W12', [
      { name: 'emargement-x.pdf', title: 'x', depotId: 'x', key: 'another-garden/weeks/x.pdf' },
    ]);

    const swept = await sweepAll(
      (input) => activities.sweepSigningSheets(input),
      plan.cutoffs.signingSheets,
      2,
    );
    expect(swept).toMatchObject({ removed: 4, errors: 2 });
    expect(swept.problems).toEqual([
      'WEEK#2030-W11#SUMMARY: its documents are not a list',
      "WEEK#2030-W12#SUMMARY: a document without a key of the garden's own",
    ]);
    for (const key of [...oldSheets, ...dueSheets]) expect(await exists(key)).toBe(false);
    // Not even an earlier version: the bucket is versioned.
    for (const key of [...oldSheets, ...dueSheets]) expect(await versionsOf(key)).toEqual([]);
    for (const key of [oldHarvest!, dueHarvest!, ...keptKeys]) expect(await exists(key)).toBe(true);
    expect(
      (await store.weeks.summary(gardenId, '2030-W23'))?.documents.map((document) => document.name),
    ).toEqual(['recolte.pdf']);
    expect((await store.weeks.summary(gardenId, '2030-W24'))?.documents).toHaveLength(3);
    expect(
      (await sweepAll((input) => activities.sweepSigningSheets(input), plan.cutoffs.signingSheets, 2))
        .removed,
    ).toBe(0);
  });

  it('deletes the rounds of days before the cutoff with their marks and photos', async () => {
    const round = async (date: string, photoIds: readonly unknown[]) => {
      await store.rounds.savePlan({
        gardenId,
        date,
        week: '2030-W01',
        phase: 'done',
        revision: 1,
        stops: [],
        pins: [],
        deadline: `${date}T06:00:00.000Z`,
        updatedAt: `${date}T06:00:00.000Z`,
      });
      const keys: string[] = [];
      for (const [index, photoKey] of photoIds.entries()) {
        await store.rounds.addMark(gardenId, date, {
          markId: `mark-${index}`,
          stopId: `home.m-${index}.${date}`,
          outcome: 'delivered',
          ...(photoKey === undefined ? {} : { photoKey: photoKey as string }),
          markedAt: `${date}T09:00:00.000Z`,
          receivedAt: `${date}T09:00:01.000Z`,
          by: driver,
        });
        if (typeof photoKey === 'string' && /^[a-f0-9]/.test(photoKey)) {
          const key = roundPhotoKey(gardenId, date, photoKey);
          await documents.put(key, new Uint8Array([255, 216, 255]), 'image/jpeg');
          keys.push(key);
        }
      }
      return keys;
    };
    const oldPhotos = [
      ...(await round('2029-11-03', ['a1b2c3d4e5', undefined])),
      ...(await round('2030-06-14', ['f0e1d2c3b4'])),
    ];
    const keptPhotos = await round('2030-06-15', ['0a0b0c0d0e']);
    await round('2030-03-03', ['../../etc/passwd']);

    const swept = await sweepAll(
      (input) => activities.sweepDeliveryRounds(input),
      plan.cutoffs.deliveryRounds,
      1,
    );
    expect(swept).toMatchObject({ removed: 2, errors: 1 });
    expect(swept.problems).toEqual(['ROUNDMARK#2030-03-03#mark-0: a photo that is not a photo id']);
    expect(await store.rounds.get(gardenId, '2029-11-03')).toBeUndefined();
    expect(await store.rounds.get(gardenId, '2030-06-14')).toBeUndefined();
    expect(await store.rounds.marksWithPhotos(gardenId, '2029-11-03')).toEqual([]);
    for (const key of oldPhotos) expect(await exists(key)).toBe(false);
    for (const key of oldPhotos) expect(await versionsOf(key)).toEqual([]);
    expect(await store.rounds.get(gardenId, '2030-06-15')).toMatchObject({ marks: [{ markId: 'mark-0' }] });
    for (const key of keptPhotos) expect(await exists(key)).toBe(true);
    expect(await store.rounds.get(gardenId, '2030-03-03')).toBeDefined();
  });

  it('forgets where staff requests came from after a year, and keeps the entries and their chain', async () => {
    const origin = { ip: '203.0.113.7', userAgent: 'Firefox' };
    const action = (id: string) => ({
      action: 'depot.updated',
      subject: { kind: 'depot' as const, id },
      actor: paul,
      after: { capacity: 30 },
    });
    for (const at of ['2030-01-10T08:00:00.000Z', '2030-03-10T08:00:00.000Z', '2030-06-14T21:00:00.000Z']) {
      await appendStaffAction(store, gardenId, action('d-centre'), origin, [], { at });
    }
    // Without an origin: nothing to forget.
    await appendStaffAction(store, gardenId, action('d-sans'), undefined, [], {
      at: '2030-06-14T21:30:00.000Z',
    });
    await appendStaffAction(store, gardenId, action('d-centre'), origin, [], {
      at: '2030-06-14T22:10:00.000Z',
    });
    await appendStaffAction(store, gardenId, action('d-centre'), origin, [], {
      at: '2031-06-01T08:00:00.000Z',
    });

    const swept = await sweepAll(
      (input) => activities.sweepStaffActionOrigins(input),
      plan.cutoffs.staffActionLog,
      2,
    );
    expect(swept).toMatchObject({ removed: 3, errors: 0 });
    // It stopped at the first action kept: the last page did not read on.
    expect(swept.pages.at(-1)?.more).toBe(false);
    const { entries } = await listStaffActions(store, gardenId, { limit: 20 });
    expect(entries.map((entry) => [entry.seq, entry.origin !== undefined])).toEqual([
      [6, true],
      [5, true],
      [4, false],
      [3, false],
      [2, false],
      [1, false],
    ]);
  });

  it('lists the members inactive for three years, and only them', async () => {
    const created = async (id: string, at: string) =>
      store.members.create(gardenId, id, { firstName: 'Prénom', lastName: `Nom ${id}` }, at);
    const subscription = (memberId: string, change: Partial<Subscription>): Subscription => ({
      id: `${memberId}.2027-01-05`,
      gardenId,
      memberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: 'd-centre',
      startDate: '2027-01-05',
      status: 'ended',
      requested: { by: { userId: 'u-paul', name: 'Paul' }, at: '2027-01-01T10:00:00.000Z' },
      endDate: '2027-12-31',
      updatedAt: '2028-01-01T03:00:00.000Z',
      revision: 3,
      ...change,
    });
    // Gone since 2028 (last change before the first day kept, 15 June 2028): inactive.
    await created('m-parti', '2026-03-01T10:00:00.000Z');
    await store.subscriptions.record(subscription('m-parti', {}));
    // Never subscribed, record made long ago: inactive.
    await created('m-curieux', '2027-05-01T10:00:00.000Z');
    // Ended within the three years: kept.
    await created('m-recent', '2026-03-01T10:00:00.000Z');
    await store.subscriptions.record(
      subscription('m-recent', { endDate: '2028-09-30', updatedAt: '2028-10-01T03:00:00.000Z' }),
    );
    // Still paused, however old: kept.
    await created('m-pause', '2026-03-01T10:00:00.000Z');
    await store.subscriptions.record(subscription('m-pause', { status: 'paused', endDate: undefined }));
    // Record changed since: kept without further reads.
    await created('m-actif', '2031-01-01T10:00:00.000Z');
    // A record with no readable date: an error, never listed.
    await store.db.send(
      new PutCommand({
        TableName: store.tables.gardens,
        Item: {
          pk: gardenId,
          sk: 'MEMBER#m-casse',
          gsi1pk: `${gardenId}#MEMBER`,
          gsi1sk: 'casse#m-casse',
          entity: 'member',
          id: 'm-casse',
          gardenId,
          firstName: 'Fiche',
          lastName: 'Cassée',
          createdAt: 'hier',
          updatedAt: 'hier',
          version: 1,
        },
      }),
    );

    const pages: string[][] = [];
    let errors = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await activities.findInactiveMembers({
        gardenId,
        cutoff: plan.cutoffs.inactiveMember,
        timeZone: plan.timeZone,
        cursor,
        limit: 2,
      });
      pages.push(page.memberIds);
      errors += page.errors;
      expect(page.listed).toBe(page.memberIds.length);
      expect(page.removed).toBe(0);
      if (!page.more) break;
      cursor = page.cursor;
    }
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.flat().sort()).toEqual(['m-curieux', 'm-parti']);
    expect(errors).toBe(1);
    // Nothing was changed: listing is all this version does.
    expect(await store.members.get(gardenId, 'm-parti')).toMatchObject({ lastName: 'Nom m-parti' });
  });

  it('keeps each run’s report, and the next plan knows which rules failed', async () => {
    const reports = createRetentionReportStore(store.db, store.tables);
    const rule = (kind: 'notificationLog' | 'deliveryRounds', outcome: 'done' | 'failed') => ({
      kind,
      action: 'delete' as const,
      keepFrom: '2030-06-15',
      removed: 1,
      listed: 0,
      errors: 0,
      problems: [],
      outcome,
    });
    for (const [index, day] of ['2031-06-12', '2031-06-13', '2031-06-14'].entries()) {
      await activities.saveRetentionReport({
        gardenId,
        ranAt: `${day}T02:10:00.000Z`,
        timeZone: 'Europe/Paris',
        rules: [rule('notificationLog', 'done'), rule('deliveryRounds', index === 2 ? 'failed' : 'done')],
      });
    }
    const first = await reports.list(gardenId, { limit: 2 });
    expect(first.reports.map((report) => report.ranAt)).toEqual([
      '2031-06-14T02:10:00.000Z',
      '2031-06-13T02:10:00.000Z',
    ]);
    const second = await reports.list(gardenId, { limit: 2, cursor: first.nextCursor });
    expect(second.reports.map((report) => report.ranAt)).toEqual(['2031-06-12T02:10:00.000Z']);
    expect(second.nextCursor).toBeUndefined();
    expect((await activities.planRetentionSweep({ gardenId, ranAt })).previouslyFailed).toEqual([
      'deliveryRounds',
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import type { DeliveryCalendar } from '../domain/delivery-calendar.ts';
import type { ScheduledDelivery } from '../domain/delivery-schedule.ts';
import { defaultGardenRules, type GardenRules } from '../domain/garden-rules.ts';
import { approvedSubscription, startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';
import { testEnvironment } from '../tests/support/environment.ts';
import { createGardenBlobs } from '../activities/provisioning/garden-configuration.ts';
import { S3Client } from '@aws-sdk/client-s3';

// The test reads today (this week, next week) once, then runs against services on the real
// clock: it starts clear of the garden's midnight, when they would move on to the next day.
await clearOfMidnight();

/** A garden's calendar and rules through the API, and how running subscriptions follow them. */
describe('garden settings', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;
  const today = gardenDay(new Date());
  const season = { id: 'saison-test', start: addDays(today, -30), end: addDays(today, 300) };

  beforeAll(async () => {
    api = await startTestApi('settings');
    gardenAdmin = await createAccount({ role: 'garden-admin', gardenId: api.gardenId });
  });
  afterAll(async () => {
    if (gardenAdmin) await deleteAccounts([gardenAdmin]);
    await api?.close();
  });

  const calendarUrl = () => `/api/gardens/${api.gardenId}/calendar`;
  const rulesUrl = () => `/api/gardens/${api.gardenId}/rules`;
  const readCalendar = async () =>
    (await api.call(api.accounts.staff, 'GET', calendarUrl())).json<DeliveryCalendar>();
  const readRules = async () => (await api.call(api.accounts.staff, 'GET', rulesUrl())).json<GardenRules>();
  const { version: _rulesVersion, ...defaultRulesInput } = defaultGardenRules;

  async function saveCalendar(changes: Partial<DeliveryCalendar> = {}) {
    const current = await readCalendar();
    const response = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: current.seasons,
      closedWeeks: current.closedWeeks,
      cutoffHours: current.cutoffHours,
      ...changes,
      version: current.version,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<DeliveryCalendar>();
  }

  /** A weekly subscription at the garden's Tuesday depot, approved, starting today. */
  const activeSubscription = (memberId: string) => approvedSubscription(api, memberId, today);

  const nextDeliveries = async (id: string) => {
    const response = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/${id}/next-deliveries?count=6`,
    );
    expect(response.statusCode, response.body).toBe(200);
    return response.json<ScheduledDelivery[]>();
  };

  it('lets every role of the garden read the calendar and the rules, defaults first', async () => {
    for (const account of [api.accounts.staff, api.accounts.member, api.accounts.driver, gardenAdmin]) {
      const calendar = await api.call(account, 'GET', calendarUrl());
      expect(calendar.statusCode, calendar.body).toBe(200);
      expect(calendar.json()).toMatchObject({ gardenId: api.gardenId, cutoffHours: 48, closedWeeks: [] });
      const rules = await api.call(account, 'GET', rulesUrl());
      expect(rules.statusCode, rules.body).toBe(200);
      expect(rules.json()).toEqual(defaultGardenRules);
    }
    expect((await api.call(api.accounts.otherStaff, 'GET', calendarUrl())).statusCode).toBe(403);
    expect((await api.call(api.accounts.otherStaff, 'GET', rulesUrl())).statusCode).toBe(403);
    expect((await api.call(undefined, 'GET', calendarUrl())).statusCode).toBe(401);
    expect((await api.call(undefined, 'GET', rulesUrl())).statusCode).toBe(401);
  });

  it('lets staff save the calendar, sorted and without repeated weeks', async () => {
    const before = await readCalendar();
    const later = { id: 'saison-suivante', start: addDays(season.end, 1), end: addDays(season.end, 365) };
    const response = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: [later, season],
      closedWeeks: ['2027-W33', '2026-W53', '2027-W33'],
      cutoffHours: 72,
      version: before.version,
    });
    expect(response.statusCode, response.body).toBe(200);
    const saved = response.json<DeliveryCalendar>();
    expect(saved).toMatchObject({
      gardenId: api.gardenId,
      seasons: [season, later],
      closedWeeks: ['2026-W53', '2027-W33'],
      cutoffHours: 72,
      version: before.version + 1,
    });
    expect(await readCalendar()).toEqual(saved);
    expect(await api.store.settings.calendar(api.gardenId)).toEqual(saved);
  });

  it('refuses a calendar saved from an outdated copy (409), and keeps the newer one', async () => {
    const current = await readCalendar();
    const stale = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: [season],
      closedWeeks: [],
      cutoffHours: 24,
      version: current.version - 1,
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/Quelqu'un d'autre a modifié cette fiche entre-temps/),
    });
    expect(await readCalendar()).toEqual(current);
  });

  it('refuses overlapping seasons with the sentence that names them (422), changing nothing', async () => {
    const current = await readCalendar();
    const response = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: [
        { id: 'printemps', start: '2027-03-01', end: '2027-06-30' },
        { id: 'été', start: '2027-06-15', end: '2027-09-30' },
      ],
      closedWeeks: [],
      cutoffHours: 48,
      version: current.version,
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'refused',
      message: 'Les saisons « printemps » et « été » se chevauchent.',
      issues: [{ field: 'seasons', message: 'Les saisons « printemps » et « été » se chevauchent.' }],
    });
    const backwards = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: [{ id: 'hiver', start: '2027-12-01', end: '2027-11-01' }],
      closedWeeks: [],
      cutoffHours: 48,
      version: current.version,
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json()).toMatchObject({ message: 'La saison « hiver » finit avant de commencer.' });
    const malformed = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: [season],
      closedWeeks: ['semaine 33'],
      cutoffHours: 400,
      version: current.version,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ message: string }>().message).toMatch(
      /« Semaines fermées » n'a pas le bon format\..*« Délai avant livraison \(heures\) » ne peut pas dépasser 336\./,
    );
    expect(await readCalendar()).toEqual(current);
  });

  it('refuses days and weeks that do not exist in a calendar (400), changing nothing', async () => {
    const current = await readCalendar();
    const impossibleDay = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: [{ id: 'saison', start: '2027-03-01', end: '2028-02-30' }],
      closedWeeks: [],
      cutoffHours: 48,
      version: current.version,
    });
    expect(impossibleDay.statusCode, impossibleDay.body).toBe(400);
    const impossibleWeek = await api.call(api.accounts.staff, 'PUT', calendarUrl(), {
      seasons: [season],
      closedWeeks: ['2027-W60'],
      cutoffHours: 48,
      version: current.version,
    });
    expect(impossibleWeek.statusCode, impossibleWeek.body).toBe(400);
    expect(await readCalendar()).toEqual(current);
  });

  it('refuses the calendar to members, drivers and other gardens (403), changing nothing', async () => {
    const current = await readCalendar();
    for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
      const response = await api.call(account, 'PUT', calendarUrl(), {
        seasons: [season],
        closedWeeks: [],
        cutoffHours: 1,
        version: current.version,
      });
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json()).toMatchObject({ error: 'forbidden' });
    }
    expect(await readCalendar()).toEqual(current);
  });

  it('lets only garden administrators change the rules', async () => {
    const current = await readRules();
    const wanted = { ...defaultRulesInput, maxAbsencesPerSeason: 6, cancellationNoticeDays: 30 };
    for (const account of [
      api.accounts.staff,
      api.accounts.member,
      api.accounts.driver,
      api.accounts.otherStaff,
    ]) {
      const response = await api.call(account, 'PUT', rulesUrl(), { ...wanted, version: current.version });
      expect(response.statusCode, response.body).toBe(403);
    }
    expect(await readRules()).toEqual(current);

    const saved = await api.call(gardenAdmin, 'PUT', rulesUrl(), { ...wanted, version: current.version });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ ...wanted, version: current.version + 1 });
    expect(await readRules()).toEqual({ ...wanted, version: current.version + 1 });

    const stale = await api.call(gardenAdmin, 'PUT', rulesUrl(), {
      ...wanted,
      maxAbsencesPerSeason: 1,
      version: current.version,
    });
    expect(stale.statusCode).toBe(409);
    const invalid = await api.call(gardenAdmin, 'PUT', rulesUrl(), {
      ...wanted,
      absencePolicy: 'vendu',
      version: current.version + 1,
    });
    expect(invalid.statusCode).toBe(400);
    expect(await readRules()).toEqual({ ...wanted, version: current.version + 1 });
  });

  it("keeps the garden's configuration copy in S3 in step with what is saved, keeping its extensions", async () => {
    const env = testEnvironment();
    const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
    const blobs = createGardenBlobs(s3, env.S3_BUCKET!);
    try {
      // An activation wrote the copy's extensions (adapters/store/extension-modules.ts).
      const extensions = {
        gardenId: api.gardenId,
        active: [{ name: 'quotient-familial', version: '1.2.0', contentHash: 'sha256-test' }],
        revision: 4,
        updatedAt: new Date().toISOString(),
      };
      await blobs.putJson(`${api.gardenId}/configuration.json`, { gardenId: api.gardenId, extensions });

      const current = await readRules();
      const wanted = { ...defaultRulesInput, maxAbsencesPerSeason: 7 };
      const saved = await api.call(gardenAdmin, 'PUT', rulesUrl(), { ...wanted, version: current.version });
      expect(saved.statusCode, saved.body).toBe(200);
      await expect
        .poll(async () => (await blobs.configuration(api.gardenId))?.settings?.rules, { timeout: 30_000 })
        .toEqual({ ...wanted, version: current.version + 1 });
      const copy = (await blobs.configuration(api.gardenId))!;
      expect(copy).toMatchObject({
        schemaVersion: 1,
        gardenId: api.gardenId,
        garden: { id: api.gardenId },
        extensions,
        versions: { rules: current.version + 1, extensions: 4 },
      });

      // A change that no running process reads (the contact) is copied too.
      const contact = await api.call(gardenAdmin, 'GET', `/api/gardens/${api.gardenId}/contact`);
      const changed = await api.call(gardenAdmin, 'PUT', `/api/gardens/${api.gardenId}/contact`, {
        email: 'bonjour@jardin-test.example.org',
        version: contact.json<{ version: number }>().version,
      });
      expect(changed.statusCode, changed.body).toBe(200);
      await expect
        .poll(async () => (await blobs.configuration(api.gardenId))?.settings?.contact?.email, {
          timeout: 30_000,
        })
        .toBe('bonjour@jardin-test.example.org');
      expect((await blobs.configuration(api.gardenId))?.extensions).toEqual(extensions);
    } finally {
      // The garden's later tests run with no extension (this one's module does not exist).
      const copy = await blobs.configuration(api.gardenId);
      await blobs.putJson(`${api.gardenId}/configuration.json`, {
        ...copy,
        extensions: { gardenId: api.gardenId, active: [], revision: 5, updatedAt: new Date().toISOString() },
      });
      s3.destroy();
    }
  });

  it('closes a week for running subscriptions as soon as the calendar is saved', async () => {
    await saveCalendar({ seasons: [season], closedWeeks: [], cutoffHours: 48 });
    const member = await api.createMember({ firstName: 'Rosa', lastName: 'Luxemburg' });
    const id = await activeSubscription(member.id);
    const before = await nextDeliveries(id);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const closing = before[1]!.date;

    await saveCalendar({ closedWeeks: [isoWeek(closing)] });
    await expect
      .poll(async () => (await nextDeliveries(id)).map((delivery) => delivery.date), {
        timeout: 15_000,
        interval: 500,
      })
      .not.toContain(closing);
    const after = await nextDeliveries(id);
    expect(after.map((delivery) => delivery.date)).toEqual(
      before
        .map((delivery) => delivery.date)
        .filter((date) => date !== closing)
        .concat(after.at(-1)!.date),
    );

    // Opening it again brings the delivery back.
    await saveCalendar({ closedWeeks: [] });
    await expect
      .poll(async () => (await nextDeliveries(id)).map((delivery) => delivery.date), {
        timeout: 15_000,
        interval: 500,
      })
      .toContain(closing);
  });

  it('makes running subscriptions follow new rules as soon as they are saved, for absences noted after', async () => {
    await saveCalendar({ seasons: [season], closedWeeks: [], cutoffHours: 48 });
    const member = await api.createMember({ firstName: 'Flora', lastName: 'Tristan' });
    const id = await activeSubscription(member.id);
    const now = Date.now();
    const open = (await nextDeliveries(id)).filter(
      (delivery) => Date.parse(delivery.changeableUntil) > now + 3_600_000,
    );
    const [donatedDay, afterDonated, compensatedDay, afterCompensated] = open;
    const report = async (date: string) => {
      const reported = await api.call(
        api.accounts.staff,
        'POST',
        `/api/gardens/${api.gardenId}/subscriptions/${id}/absences`,
        { dates: [date] },
      );
      expect(reported.statusCode, reported.body).toBe(200);
    };
    const basketsOn = async (date: string) =>
      (await nextDeliveries(id)).find((delivery) => delivery.date === date)?.baskets;

    // Noted under the garden's first rule (donated): no basket owed.
    await report(donatedDay!.date);
    expect(await basketsOn(afterDonated!.date)).toBe(1);

    const current = await readRules();
    const saved = await api.call(gardenAdmin, 'PUT', rulesUrl(), {
      ...defaultRulesInput,
      absencePolicy: 'compensated',
      version: current.version,
    });
    expect(saved.statusCode, saved.body).toBe(200);

    // The running subscription follows the new rule as soon as it hears of it (a signal): an
    // absence noted from then on is compensated by an extra basket the next delivery. Noted
    // before the signal arrived, it would still be donated: withdrawn and noted again then.
    const withdraw = async (date: string) => {
      const withdrawn = await api.call(
        api.accounts.staff,
        'DELETE',
        `/api/gardens/${api.gardenId}/subscriptions/${id}/absences/${date}`,
      );
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    };
    await expect
      .poll(
        async () => {
          await report(compensatedDay!.date);
          const baskets = await basketsOn(afterCompensated!.date);
          if (baskets !== 2) await withdraw(compensatedDay!.date);
          return baskets;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(2);
    // The absence noted before keeps the outcome its member was told (donated).
    expect(await basketsOn(afterDonated!.date)).toBe(1);
  });
});

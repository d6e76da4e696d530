import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, isoWeekday, type IsoDate } from '../domain/calendar.ts';
import { defaultGardenRules } from '../domain/garden-rules.ts';
import type { Subscription } from '../domain/subscription.ts';
import { approvedSubscription, startTestApi, type TestApi } from '../tests/support/api.ts';
import { sampleUpload } from '../tests/support/extensions.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

await clearOfMidnight();

/**
 * A member's absence report through the garden's absence-policy extension (absences-ete, Go):
 * in July and August two more absences than the season's maximum are allowed; without the
 * extension, the garden's maximum holds. The decisions travel in the workflow's Update.
 */
describe('absence reports through the absence-policy hook', () => {
  let api: TestApi;
  const today = gardenDay(new Date());
  // The next July at least three weeks away, in a season running from before today to September.
  const year = Number(today.slice(0, 4)) + (today.slice(5) > '06-10' ? 1 : 0);
  const season = { id: 'saison-ete', start: addDays(today, -30), end: `${year}-09-30` };
  /** The Tuesdays (the test depot's day) of July of that year. */
  const julyTuesdays: IsoDate[] = [];
  for (let day = `${year}-07-01`; day <= `${year}-07-31`; day = addDays(day, 1)) {
    if (isoWeekday(day) === 2) julyTuesdays.push(day);
  }
  let starts = 1;

  beforeAll(async () => {
    api = await startTestApi('ext-absences');
    const calendar = await api.store.settings.calendar(api.gardenId);
    await api.store.settings.saveCalendar(
      api.gardenId,
      { seasons: [season], closedWeeks: [], cutoffHours: calendar.cutoffHours },
      calendar.version,
      new Date().toISOString(),
    );
    const rules = await api.store.settings.rules(api.gardenId);
    const { version: _version, ...input } = { ...defaultGardenRules, ...rules };
    await api.store.settings.saveRules(
      api.gardenId,
      { ...input, maxAbsencesPerSeason: 1, absencePolicy: 'donated' },
      rules.version,
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  const report = (id: string, dates: IsoDate[]) =>
    api.call(
      api.accounts.member,
      'POST',
      `/api/gardens/${api.gardenId}/subscriptions/${id}/absences`,
      {
        dates,
      },
      { 'accept-language': 'fr' },
    );
  const subscription = () => approvedSubscription(api, api.member.id, addDays(today, starts++));

  it('keeps the garden’s maximum in July without an extension', async () => {
    const id = await subscription();
    const first = await report(id, [julyTuesdays[0]!]);
    expect(first.statusCode, first.body).toBe(200);
    const second = await report(id, [julyTuesdays[1]!]);
    expect(second.statusCode, second.body).toBe(422);
    expect(second.json<{ message: string }>().message).toMatch(/maximum prévu par le jardin/);
  });

  it('takes two more absences in July with absences-ete, and refuses the one after in its words', async () => {
    const upload = await sampleUpload('absences-ete');
    const catalogue = api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    await catalogue.upload(api.gardenId, upload, { by: { userId: 'u-admin', name: 'Admin' }, at });
    await catalogue.activate(api.gardenId, upload.manifest.name, upload.manifest.version, { at });
    api.app.extensions!.runner.forget(api.gardenId);

    const id = await subscription();
    const three = await report(id, julyTuesdays.slice(0, 3));
    expect(three.statusCode, three.body).toBe(200);
    expect(three.json<Subscription>().absences?.map((absence) => absence.date)).toEqual(
      julyTuesdays.slice(0, 3),
    );
    const fourth = await report(id, [julyTuesdays[3]!]);
    expect(fourth.statusCode, fourth.body).toBe(422);
    expect(fourth.json<{ message: string }>().message).toBe(
      "Vous avez déjà signalé 3 absences cette saison : c'est le maximum prévu par le jardin.",
    );
    const stored = await api.store.subscriptions.get(api.gardenId, id);
    expect(stored?.absences).toHaveLength(3);
  });
});

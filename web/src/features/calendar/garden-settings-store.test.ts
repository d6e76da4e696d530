import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryCalendar } from '../../../../domain/delivery-calendar.ts';
import { defaultGardenRules } from '../../../../domain/garden-rules.ts';
import { setLocale } from '../../i18n/index.ts';
import { deferred, signedIn, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import { aDepot } from '../../testing/fixtures.ts';
import { useDepotStore } from '../depots/depots-store.ts';
import { useGardenSettingsStore } from './garden-settings-store.ts';
import { useToastStore } from '../../stores/toasts.ts';

const aCalendar = (overrides: Partial<DeliveryCalendar> = {}): DeliveryCalendar => ({
  gardenId: 'val-du-doubs',
  seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
  closedWeeks: ['2026-W52'],
  cutoffHours: 48,
  version: 3,
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

/**
 * The API's calendar: seasons and cutoff saved only with the version it holds; a week closed
 * or reopened on its own endpoint, whatever the version.
 */
function calendarApi(start = aCalendar()) {
  let current = start;
  const save = (changes: Partial<DeliveryCalendar>) => {
    current = { ...current, ...changes, version: current.version + 1 };
    return { body: current };
  };
  return Object.assign(
    (call: ApiCall): StubAnswer => {
      if (call.method === 'GET') return { body: current };
      const week = /\/closed-weeks\/(.+)$/.exec(call.path)?.[1];
      if (week) {
        const others = current.closedWeeks.filter((closed) => closed !== week);
        return save({ closedWeeks: call.method === 'PUT' ? [...others, week].sort() : others });
      }
      const { version, ...input } = call.body as DeliveryCalendar;
      if (version !== current.version)
        return { status: 409, body: { error: 'conflict', message: 'Modifié.' } };
      return save(input);
    },
    /** Someone else changes the calendar. */
    { elsewhere: (changes: Partial<DeliveryCalendar>) => save(changes) },
  );
}

describe('garden settings store', () => {
  beforeEach(() => {
    signedIn();
    setLocale('fr');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('closes a week at once, then saves it on its own endpoint', async () => {
    const api = stubApi(calendarApi());
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    const saving = settings.setWeekClosed('2026-W50', true);
    expect(settings.isClosed('2026-W50')).toBe(true);
    await saving;
    expect(api.calls[1]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/calendar/closed-weeks/2026-W50',
      body: undefined,
    });
    expect(settings.saved?.version).toBe(4);
    expect(settings.saved?.closedWeeks).toEqual(['2026-W50', '2026-W52']);
    expect(useToastStore().toasts[0]?.text).toBe('Semaine 50 fermée : aucune livraison cette semaine-là.');
  });

  it('saves quick toggles one after the other, and reopens with DELETE', async () => {
    const api = stubApi(calendarApi());
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    void settings.setWeekClosed('2026-W50', true);
    const last = settings.setWeekClosed('2026-W52', false);
    expect(settings.calendar?.closedWeeks).toEqual(['2026-W50']);
    await last;
    expect(api.calls.slice(1).map((call) => `${call.method} ${call.path}`)).toEqual([
      'PUT /api/gardens/val-du-doubs/calendar/closed-weeks/2026-W50',
      'DELETE /api/gardens/val-du-doubs/calendar/closed-weeks/2026-W52',
    ]);
    expect(settings.saved?.closedWeeks).toEqual(['2026-W50']);
  });

  it('keeps what someone else changed meanwhile: no conflict on a week toggle', async () => {
    const calendar = calendarApi();
    stubApi(calendar);
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    calendar.elsewhere({ closedWeeks: ['2026-W51', '2026-W52'], cutoffHours: 72 });
    await settings.setWeekClosed('2026-W50', true);
    expect(settings.conflict).toBe(false);
    expect(settings.calendar?.closedWeeks).toEqual(['2026-W50', '2026-W51', '2026-W52']);
    expect(settings.saved).toMatchObject({ cutoffHours: 72, version: 5 });
  });

  it('puts a refused week back and says why', async () => {
    stubApi((call) =>
      call.method === 'GET'
        ? { body: aCalendar() }
        : { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } },
    );
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    await settings.setWeekClosed('2026-W50', true);
    expect(settings.isClosed('2026-W50')).toBe(false);
    expect(settings.conflict).toBe(false);
    expect(useToastStore().toasts).toMatchObject([{ kind: 'error', text: 'Indisponible.' }]);
  });

  it('stops saving seasons over a change made elsewhere until the calendar is read again', async () => {
    const slow = deferred<StubAnswer>();
    let reads = 0;
    stubApi((call) => {
      if (call.method === 'GET') return { body: aCalendar({ version: 3 + reads++ }) };
      return slow.promise;
    });
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    const saving = settings.saveCalendar({ seasons: aCalendar().seasons, cutoffHours: 24 });
    slow.resolve({ status: 409, body: { error: 'conflict', message: 'Modifié.' } });
    await expect(saving).rejects.toMatchObject({ status: 409 });
    expect(settings.conflict).toBe(true);
    await settings.loadCalendar({ force: true });
    expect(settings.conflict).toBe(false);
    expect(settings.saved?.version).toBe(4);
  });

  it('saves seasons and cutoff with the closed weeks as they are', async () => {
    const api = stubApi(calendarApi());
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    const seasons = [{ id: '2027-2028', start: '2027-03-01', end: '2028-02-29' }];
    await settings.saveCalendar({ seasons, cutoffHours: 72 });
    expect(api.calls[1]?.body).toEqual({ seasons, closedWeeks: ['2026-W52'], cutoffHours: 72, version: 3 });
    expect(settings.calendar?.cutoffHours).toBe(72);
  });

  it('gives the schedule rules once calendar, rules and depots are read', async () => {
    stubApi((call) => {
      if (call.path.endsWith('/calendar')) return { body: aCalendar() };
      if (call.path.endsWith('/rules'))
        return { body: { ...defaultGardenRules, absencePolicy: 'compensated' } };
      return { body: [aDepot(), aDepot({ id: 'd-nord', deliveryWeekday: 5 })] };
    });
    const settings = useGardenSettingsStore();
    await Promise.all([settings.loadCalendar(), settings.loadRules()]);
    expect(settings.scheduleContext).toBeUndefined();
    await useDepotStore().load();
    expect(settings.scheduleContext).toMatchObject({
      calendar: { cutoffHours: 48 },
      depotWeekdays: { 'd-centre': 2, 'd-nord': 5 },
      absencePolicy: 'compensated',
      timeZone: 'Europe/Paris',
    });
  });

  it('saves the rules over the version read; a colleague’s save meanwhile is a conflict until read again', async () => {
    let current = { ...defaultGardenRules, version: 4 };
    const { calls } = stubApi((call) => {
      if (call.method === 'GET') return { body: current };
      const { version, ...input } = call.body as typeof current;
      if (version !== current.version)
        return { status: 409, body: { error: 'conflict', message: 'Modifié.' } };
      current = { ...input, version: version + 1 };
      return { body: current };
    });
    const settings = useGardenSettingsStore();
    await settings.loadRules();
    const { version: _version, ...input } = defaultGardenRules;
    const saved = await settings.saveRules({ ...input, maxAbsencesPerSeason: 6 });
    expect(saved).toEqual({ ...defaultGardenRules, maxAbsencesPerSeason: 6, version: 5 });
    expect(calls.at(-1)?.body).toEqual({ ...input, maxAbsencesPerSeason: 6, version: 4 });
    expect(settings.rules).toEqual(saved);

    // A colleague saves meanwhile: saving over version 5 is refused, and nothing changes here.
    current = { ...current, waitingList: false, version: 6 };
    await expect(settings.saveRules({ ...input, renewal: 'rolling' }, 5)).rejects.toMatchObject({
      status: 409,
    });
    expect(settings.rulesConflict).toBe(true);
    expect(settings.rules).toEqual(saved);
    await settings.loadRules({ force: true });
    expect(settings.rulesConflict).toBe(false);
    expect(settings.rules?.waitingList).toBe(false);
  });
});

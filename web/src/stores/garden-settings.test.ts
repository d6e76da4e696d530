import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryCalendar } from '../../../domain/delivery-calendar.ts';
import { defaultGardenRules } from '../../../domain/garden-rules.ts';
import { setLocale } from '../i18n/index.ts';
import { deferred, signedIn, stubApi, type ApiCall, type StubAnswer } from '../testing/api-stub.ts';
import { aDepot } from '../testing/fixtures.ts';
import { useDepotStore } from './depots.ts';
import { useGardenSettingsStore } from './garden-settings.ts';
import { useToastStore } from './toasts.ts';

const aCalendar = (overrides: Partial<DeliveryCalendar> = {}): DeliveryCalendar => ({
  gardenId: 'val-du-doubs',
  seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
  closedWeeks: ['2026-W52'],
  cutoffHours: 48,
  version: 3,
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

/** The API's calendar: saved only with the version it holds. */
function calendarApi(start = aCalendar()) {
  let current = start;
  return (call: ApiCall): StubAnswer => {
    if (call.method === 'GET') return { body: current };
    const { version, ...input } = call.body as DeliveryCalendar;
    if (version !== current.version) return { status: 409, body: { error: 'conflict', message: 'Modifié.' } };
    current = { ...current, ...input, version: version + 1 };
    return { body: current };
  };
}

describe('garden settings store', () => {
  beforeEach(() => {
    signedIn();
    setLocale('fr');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('closes a week at once, then saves it with the version it read', async () => {
    const api = stubApi(calendarApi());
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    const saving = settings.setWeekClosed('2026-W50', true);
    expect(settings.isClosed('2026-W50')).toBe(true);
    await saving;
    expect(api.calls[1]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/calendar',
      body: { closedWeeks: ['2026-W50', '2026-W52'], cutoffHours: 48, version: 3 },
    });
    expect(settings.saved?.version).toBe(4);
    expect(useToastStore().toasts[0]?.text).toBe('Semaine 50 fermée : aucune livraison cette semaine-là.');
  });

  it('saves quick toggles one after the other, each with the version the previous one returned', async () => {
    const api = stubApi(calendarApi());
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    void settings.setWeekClosed('2026-W50', true);
    const last = settings.setWeekClosed('2026-W52', false);
    expect(settings.calendar?.closedWeeks).toEqual(['2026-W50']);
    await last;
    const puts = api.calls.filter((call) => call.method === 'PUT').map((call) => call.body);
    expect(puts).toMatchObject([
      { closedWeeks: ['2026-W50', '2026-W52'], version: 3 },
      { closedWeeks: ['2026-W50'], version: 4 },
    ]);
    expect(settings.saved?.closedWeeks).toEqual(['2026-W50']);
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

  it('stops on a change made elsewhere until the calendar is read again', async () => {
    const slow = deferred<StubAnswer>();
    let reads = 0;
    stubApi((call) => {
      if (call.method === 'GET') return { body: aCalendar({ version: 3 + reads++ }) };
      return slow.promise;
    });
    const settings = useGardenSettingsStore();
    await settings.loadCalendar();
    const saving = settings.setWeekClosed('2026-W50', true);
    slow.resolve({ status: 409, body: { error: 'conflict', message: 'Modifié.' } });
    await saving;
    expect(settings.conflict).toBe(true);
    expect(settings.isClosed('2026-W50')).toBe(false);
    expect(useToastStore().toasts[0]?.text).toMatch(/^Le calendrier a été modifié par quelqu’un d’autre/);
    await settings.setWeekClosed('2026-W51', true);
    expect(settings.isClosed('2026-W51')).toBe(false);
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
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './index.ts';
import type { Round } from '../../domain/rounds/round.ts';
import type { RoundStop } from '../../domain/rounds/stops.ts';
import { testStore, uniqueGardenId } from '../../tests/support/environment.ts';

/**
 * A big garden's day: 700 households delivered at home, each with long access notes, on six
 * vans. Unpacked, DynamoDB refuses such an item (over its 400 KB); the store must keep it.
 */
describe('the round store', () => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(() => store?.close());

  it('keeps a day of 700 stops with long notes, and reads it back as it was', async () => {
    const gardenId = uniqueGardenId('round-store');
    const notes = (index: number) =>
      `Code ${1000 + index}, ${'portail vert derrière la grange, sonner deux fois, chien gentil. '.repeat(7)}`.slice(
        0,
        500,
      );
    const stops: RoundStop[] = Array.from({ length: 700 }, (_, index) => ({
      id: `home.m-${String(index).padStart(4, '0')}.2026-03-03`,
      kind: 'home',
      depotId: 'd-domicile',
      subscriptionId: `m-${String(index).padStart(4, '0')}.2026-03-03`,
      memberId: `m-${String(index).padStart(4, '0')}`,
      name: `Foyer n° ${index} <b>Dupont-Lefèvre</b>`,
      address: { street: `${index} chemin des Vergers de la Côte`, postalCode: '25000', city: 'Besançon' },
      location: { lat: 47.2 + index / 10_000, lng: 6.0 + index / 10_000 },
      window: { start: 61_200, end: 70_200 },
      baskets: { small: 1, medium: index % 2, large: 0 },
      phone: '+33611223344',
      accessNotes: notes(index),
      serviceSeconds: 180,
    }));
    const round: Omit<Round, 'marks'> = {
      gardenId,
      date: '2026-12-08',
      week: '2026-W50',
      phase: 'awaiting-approval',
      revision: 1,
      stops,
      pins: [{ stopId: stops[0]!.id, vehicleId: 'v-1', position: 'first' }],
      solution: {
        routes: Array.from({ length: 6 }, (_, vehicle) => ({
          vehicleId: `v-${vehicle + 1}`,
          stops: stops
            .filter((_, index) => index % 6 === vehicle)
            .map((stop, index) => ({
              stopId: stop.id,
              arrival: 50_000 + index * 300,
              departure: 50_180 + index * 300,
              distance: 1200,
            })),
          start: 46_800,
          end: 72_000,
          distance: 60_000,
          driving: 5_400,
          baskets: 60,
        })),
        unrouted: [],
        optimiser: 'vroom',
      },
      changes: { added: stops.slice(0, 150).map((stop) => stop.id), removed: [], moved: [] },
      deadline: '2026-12-07T17:00:00.000Z',
      updatedAt: new Date().toISOString(),
    };
    expect(JSON.stringify(round).length).toBeGreaterThan(400 * 1024);
    expect(await store.rounds.savePlan(round)).toBe(true);
    expect(await store.rounds.get(gardenId, round.date)).toEqual({ ...round, marks: [] });
    // A retried save of the same revision changes nothing.
    expect(await store.rounds.savePlan({ ...round, stops: [] })).toBe(false);
    expect((await store.rounds.between(gardenId, '2026-12-07', '2026-12-13'))[0]?.stops).toHaveLength(700);
  });
});

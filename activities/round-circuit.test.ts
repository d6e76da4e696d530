import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../adapters/store/index.ts';
import { addDays, gardenDay, nextWeekday } from '../domain/calendar.ts';
import type { VehicleInput } from '../domain/rounds/fleet.ts';
import type { Round } from '../domain/rounds/round.ts';
import { startCircuitFake, type CircuitFake } from '../tests/fakes/circuit-api.ts';
import { createTestGarden, testActivities, testStore } from '../tests/support/environment.ts';
import {
  addHomeDeliveryDepot,
  addHouseholds,
  basketsAt,
  planTestBaskets,
  saveTestFleet,
  testFleet,
  testVehicle,
} from '../tests/support/rounds.ts';

/** Households delivered at home around Besançon. */
const homes = [
  { lat: 47.2466, lng: 6.0223 },
  { lat: 47.2391, lng: 6.0266 },
  { lat: 47.2523, lng: 5.9981 },
  { lat: 47.2287, lng: 6.0412 },
  { lat: 47.2611, lng: 6.0334 },
  { lat: 47.2195, lng: 6.0113 },
];

const vehicles: VehicleInput[] = [
  testVehicle({ id: 'kangoo', name: 'Kangoo', driverName: 'Lucie Perrin', driverPhone: '+33612345678' }),
  testVehicle({ id: 'jumpy', name: 'Jumpy', driverName: 'Marc Roy' }),
];

/**
 * The round's activities with the garden on Circuit (the contract fake): what reaches
 * Circuit's plan when the day changes after the routes were sent.
 */
describe('round activities with Circuit', () => {
  let store: Store;
  let fake: CircuitFake;
  let gardenId: string;
  let date: string;
  const members = homes.map((_, index) => `m-home-${index}`);

  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(() => store.close());

  beforeEach(async () => {
    fake = await startCircuitFake();
    ({ gardenId } = await createTestGarden(store, 'round-circuit-live'));
    date = nextWeekday(addDays(gardenDay(new Date(), 'Europe/Paris'), 7), 2);
    await addHomeDeliveryDepot(store, gardenId);
    await addHouseholds(
      store,
      gardenId,
      homes.map((location, index) => ({ id: `m-home-${index}`, location })),
    );
    await store.fleet.setCircuitKey(gardenId, fake.apiKey, new Date().toISOString());
  });
  afterEach(() => fake.close());

  const activitiesOf = () => testActivities(store, { CIRCUIT_API_URL: fake.baseUrl });
  const planId = () => fake.plans()[0]!.id;
  const stored = async () => (await store.rounds.get(gardenId, date)) as Round;
  const stopIdOf = (memberId: string) => `home.${memberId}.start`;
  const routedIds = (round: Round) =>
    (round.solution?.routes ?? []).flatMap((route) => route.stops.map((stop) => stop.stopId));

  /** Plans the day with the first households, then approves and sends it (Circuit's `:distribute`). */
  async function planAndSend(activities: ReturnType<typeof activitiesOf>, planned: string[]) {
    await planTestBaskets(store, gardenId, basketsAt(date, 'd-domicile', planned));
    const input = { gardenId, date, timeZone: 'Europe/Paris', pins: [] };
    await activities.planRound({ ...input, revision: 1, phase: 'planning' });
    expect((await stored()).solution?.optimiser).toBe('circuit');
    await activities.distributeRound({ gardenId, date, revision: 1 });
    expect(fake.plans()[0]).toMatchObject({ distributed: true });
    return input;
  }

  it('a day whose baskets all went: Circuit’s plan loses its stops (live deletes, sent again), none twice', async () => {
    await saveTestFleet(store, gardenId, testFleet(vehicles, { optimiser: 'circuit' }));
    const activities = activitiesOf();
    const input = await planAndSend(activities, members);
    expect(fake.externalIdsOf(planId()).sort()).toEqual(members.map(stopIdOf).sort());
    const from = fake.requests.length;

    // Every household is away that day.
    await planTestBaskets(
      store,
      gardenId,
      basketsAt(date, 'd-domicile', members).map((basket) => ({ ...basket, state: 'absent' as const })),
    );
    await activities.planRound({ ...input, revision: 2, phase: 'distributed' });

    const round = await stored();
    expect(round.stops).toEqual([]);
    expect(round.solution?.fallbackReason).toBeUndefined();
    expect(fake.externalIdsOf(planId())).toEqual([]);
    expect(fake.deletions().map((change) => [change.externalId, change.live])).toEqual(
      members.map((memberId) => [stopIdOf(memberId), true]),
    );
    const since = fake.requests.slice(from).filter((request) => request.status < 300);
    expect(since.filter((request) => request.path.endsWith(':reoptimize'))).toHaveLength(1);
    expect(since.filter((request) => request.path.endsWith(':redistribute'))).toHaveLength(1);
    expect(fake.plans()[0]).toMatchObject({ optimization: 'optimized', distributed: true });

    // Planned again (staff asked): nothing left to delete, nothing imported.
    const again = fake.requests.length;
    await activities.planRound({ ...input, revision: 3, phase: 'distributed', force: true });
    expect(fake.requests.slice(again).filter((request) => request.method !== 'GET')).toEqual([]);
    expect(fake.importedExternalIds()).toHaveLength(members.length);
  });

  it('a late change kept without re-optimising reaches Circuit: the new stop on its driver, the removed one gone, sent again', async () => {
    await saveTestFleet(
      store,
      gardenId,
      testFleet(vehicles, { optimiser: 'circuit', reoptimiseAfterApproval: false }),
    );
    const activities = activitiesOf();
    const first = members.slice(0, 5);
    const input = await planAndSend(activities, first);
    const before = await stored();
    const from = fake.requests.length;

    // One household is away, a new one joins.
    const [away] = first;
    const joining = members[5] as string;
    await planTestBaskets(store, gardenId, [
      ...basketsAt(date, 'd-domicile', [away as string]).map((basket) => ({
        ...basket,
        state: 'absent' as const,
      })),
      ...basketsAt(date, 'd-domicile', [...first.slice(1), joining]),
    ]);
    await activities.planRound({ ...input, revision: 2, phase: 'distributed' });

    const round = await stored();
    expect(round.solution?.optimiser).toBe('circuit');
    expect(round.solution?.fallbackReason).toBeUndefined();
    const wanted = [...first.slice(1), joining].map(stopIdOf).sort();
    expect(routedIds(round).sort()).toEqual(wanted);
    // Circuit holds exactly the round's stops, the new one imported once, on the driver of
    // the van the round put it on.
    expect(fake.externalIdsOf(planId()).sort()).toEqual(wanted);
    expect(fake.deletions()).toMatchObject([{ externalId: stopIdOf(away as string), live: true }]);
    expect(fake.importedExternalIds().filter((id) => id === stopIdOf(joining))).toHaveLength(1);
    const liveImport = fake.requests
      .slice(from)
      .find((request) => request.path.endsWith('/stops:liveImport') && request.status === 200);
    const sent = (
      liveImport?.body as Array<{ allowedDrivers: string[]; recipient: { externalId: string } }>
    )[0];
    expect(sent?.recipient.externalId).toBe(stopIdOf(joining));
    const vehicleOfJoining = round.solution?.routes.find((route) =>
      route.stops.some((stop) => stop.stopId === stopIdOf(joining)),
    )?.vehicleId;
    const driverOf = (vehicleId: string | undefined) =>
      fake.drivers().find((driver) => driver.email === `${gardenId}.${vehicleId}@drivers.cocagne.invalid`)
        ?.id;
    expect(sent?.allowedDrivers).toEqual([driverOf(vehicleOfJoining)]);
    // Placed by Circuit without moving the other stops, then sent to the drivers again.
    const since = fake.requests.slice(from).filter((request) => request.status < 300);
    expect(
      since.filter((request) => request.path.endsWith(':reoptimize')).map((request) => request.body),
    ).toEqual([{ optimizationType: 'reorder_changed_stops' }]);
    expect(since.filter((request) => request.path.endsWith(':redistribute'))).toHaveLength(1);
    for (const route of before.solution?.routes ?? []) {
      const kept = route.stops.map((stop) => stop.stopId).filter((id) => id !== stopIdOf(away as string));
      const now = round.solution?.routes.find((candidate) => candidate.vehicleId === route.vehicleId);
      expect(now?.stops.map((stop) => stop.stopId).filter((id) => kept.includes(id))).toEqual(kept);
    }
    expect(new Set(fake.importedExternalIds()).size).toBe(fake.importedExternalIds().length);
  });
});

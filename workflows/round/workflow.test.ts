import { describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, gardenDay, nextWeekday } from '../../domain/calendar.ts';
import type { PlannedBasket } from '../../domain/delivery-week.ts';
import { checkRoundSolution } from '../../domain/rounds/feasibility.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { roundDeadline, roundEvening } from '../../domain/rounds/collect.ts';
import type { Round } from '../../domain/rounds/round.ts';
import { createTestGarden, testActivities } from '../../tests/support/environment.ts';
import {
  addHomeDeliveryDepot,
  addHouseholds,
  basketsAt,
  planTestBaskets,
  saveTestFleet,
  testFleet,
  testVehicle,
} from '../../tests/support/rounds.ts';
import { sleepUntil, withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import { startCircuitFake } from '../../tests/fakes/circuit-api.ts';
import { startBanFake } from '../../tests/fakes/ban-api.ts';
import { waitingOnKey } from '../search-attributes.ts';
import { basketsChangedSignal } from '../week/contract.ts';
import { weekAwaitingComposition } from '../../tests/support/week-preparation.ts';
import type { Subscription } from '../../domain/subscription.ts';
import {
  approveRoundUpdate,
  changePinsUpdate,
  deliveryRoundType,
  roundBasketsChangedSignal,
  roundProcessId,
  roundStatusQuery,
  stopMarkedSignal,
} from './contract.ts';
import type { deliveryRound } from './workflow.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const homes = [
  { lat: 47.2501, lng: 6.0302 },
  { lat: 47.2312, lng: 6.0105 },
  { lat: 47.2455, lng: 6.0488 },
  { lat: 47.2207, lng: 6.0397 },
];

const fleetInput = testFleet([
  testVehicle({
    id: 'v-kangoo',
    name: 'Kangoo',
    driverPhone: '+33612345678',
    driverUsername: 'chauffeur-test',
  }),
  testVehicle({ id: 'v-trafic', name: 'Trafic', driverName: 'Léa Martin' }),
]);

/** Every stop routed once or said unrouted, no van over capacity, no stop late unflagged. */
function routedOnce(round: Round): void {
  const vehicles = fleetInput.vehicles;
  const problem = {
    gardenId: round.gardenId,
    date: round.date,
    vehicles,
    stops: round.stops,
    pins: round.pins,
  };
  expect(checkRoundSolution(problem, round.solution!, vehicles)).toEqual([]);
}

/** A garden with a fleet, 12 baskets at its depot and four households delivered at home. */
async function roundGarden(env: TestWorkflowEnvironment, store: Store, gardenId: string, depotId: string) {
  const today = gardenDay(new Date(await env.currentTimeMs()), 'Europe/Paris');
  // A Tuesday at least a week ahead, whatever today is.
  const date = nextWeekday(addDays(today, 7), 2);
  await addHomeDeliveryDepot(store, gardenId);
  await addHouseholds(
    store,
    gardenId,
    homes.map((location, index) => ({
      id: `m-home-${index}`,
      location,
      member: {
        firstName: `Foyer ${index}`,
        lastName: '<b>Dupont</b>',
        email: `foyer-${index}@example.org`,
        contactPreferences: { email: true, sms: true },
      },
    })),
  );
  const depotMembers = Array.from({ length: 12 }, (_, index) => `m-depot-${index}`);
  const baskets = [
    ...basketsAt(date, depotId, depotMembers, 'medium'),
    ...basketsAt(
      date,
      'd-domicile',
      homes.map((_, index) => `m-home-${index}`),
    ),
  ];
  await planTestBaskets(store, gardenId, baskets);
  await saveTestFleet(store, gardenId, fleetInput);
  return { date, baskets };
}

/** Starts the round of `date` on the test worker and waits for its first plan to be stored. */
async function firstPlan(env: TestWorkflowEnvironment, taskQueue: string, gardenId: string, date: string) {
  const handle = await env.client.workflow.start<typeof deliveryRound>(deliveryRoundType, {
    taskQueue,
    workflowId: roundProcessId(gardenId, date),
    args: [{ gardenId, date, timeZone: 'Europe/Paris' }],
  });
  await expect.poll(async () => (await handle.query(roundStatusQuery)).revision, { timeout: 20_000 }).toBe(1);
  return handle;
}

describe('a delivery round', () => {
  const garden = workflowTestGarden('round', { serverPerTest: true });

  it('is planned, re-planned after a late absence, approved after the deadline, distributed, marked and reported', async () => {
    const { env, store, gardenId, depotId } = garden;
    const { date, baskets } = await roundGarden(env, store, gardenId, depotId);
    const calls: string[] = [];
    const real = testActivities(store);
    const activities = {
      ...real,
      remindStaffOfRound: async (input: Parameters<typeof real.remindStaffOfRound>[0]) => {
        calls.push(input.overdue ? 'overdue' : 'reminder');
        return real.remindStaffOfRound(input);
      },
      distributeRound: async (input: Parameters<typeof real.distributeRound>[0]) => {
        calls.push(`distribute@${input.revision}`);
        return real.distributeRound(input);
      },
      tellMemberNotDelivered: async (input: Parameters<typeof real.tellMemberNotDelivered>[0]) => {
        calls.push(`missed:${input.stopId}`);
        return real.tellMemberNotDelivered(input);
      },
      tellMembersTheirWindows: async (input: Parameters<typeof real.tellMembersTheirWindows>[0]) => {
        calls.push('windows');
        return real.tellMembersTheirWindows(input);
      },
      reportRoundDay: async (input: Parameters<typeof real.reportRoundDay>[0]) => {
        calls.push(input.revised ? 'report-again' : 'report');
        return real.reportRoundDay(input);
      },
    };
    await withTestWorker(env, activities, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof deliveryRound>(deliveryRoundType, {
        taskQueue,
        workflowId: roundProcessId(gardenId, date),
        args: [{ gardenId, date, timeZone: 'Europe/Paris' }],
      });
      const planned = async (revision: number) => {
        for (let tries = 0; tries < 100; tries++) {
          const status = await handle.query(roundStatusQuery);
          if (status.revision >= revision && !status.planning) return status;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`revision ${revision} never planned`);
      };

      // 1. Planned: every stop routed once, no vehicle over capacity, waiting on staff.
      const first = await planned(1);
      expect(first.phase).toBe('awaiting-approval');
      expect((await handle.describe()).typedSearchAttributes.get(waitingOnKey)).toBe('round-approval');
      const round1 = (await store.rounds.get(gardenId, date)) as Round;
      expect(round1.stops).toHaveLength(1 + homes.length);
      routedOnce(round1);
      expect(round1.solution?.optimiser).toBe('vroom');
      expect(round1.solution?.unrouted).toEqual([]);

      // 2. A late absence before approval: planned again, the household's stop is gone.
      const absent = baskets.find((basket) => basket.memberId === 'm-home-1') as PlannedBasket;
      await store.weeks.replaceBaskets(gardenId, isoWeek(date), [absent.subscriptionId], []);
      await handle.signal(roundBasketsChangedSignal);
      await planned(2);
      const round2 = (await store.rounds.get(gardenId, date)) as Round;
      expect(round2.stops.map((stop) => stop.id)).not.toContain('home.m-home-1.start');
      expect(round2.changes?.removed).toEqual(['home.m-home-1.start']);
      routedOnce(round2);

      // 3. Staff move a stop to the Trafic, first: planned again with it there.
      await handle.executeUpdate(changePinsUpdate, {
        args: [
          {
            actor: staff,
            pins: [{ stopId: 'home.m-home-2.start', vehicleId: 'v-trafic', position: 'first' }],
          },
        ],
      });
      const round3 = (await store.rounds.get(gardenId, date)) as Round;
      const trafic = round3.solution?.routes.find((route) => route.vehicleId === 'v-trafic');
      expect(trafic?.stops[0]?.stopId).toBe('home.m-home-2.start');
      routedOnce(round3);

      // 4. Reminded before the deadline, told when it passes, nothing sent to drivers meanwhile.
      await sleepUntil(env, new Date(roundDeadline(date, 'Europe/Paris').getTime() + 60_000));
      // The timer has fired; its activity runs in real time, a moment later.
      await expect
        .poll(() => calls.filter((call) => call === 'reminder' || call === 'overdue'), { timeout: 10_000 })
        .toEqual(['reminder', 'overdue']);
      expect(calls.some((call) => call.startsWith('distribute'))).toBe(false);

      // 5. Approved after the deadline: distributed to the drivers.
      // Staff approve what they looked at: a plan made since is refused, with why.
      const stale = await handle
        .executeUpdate(approveRoundUpdate, { args: [{ actor: staff, revision: 1 }] })
        .catch((error: unknown) => error);
      expect((stale as { cause?: { message?: string } }).cause?.message).toMatch(
        /planned again since you opened them/,
      );
      const approved = await handle.executeUpdate(approveRoundUpdate, {
        args: [{ actor: staff, revision: 3 }],
      });
      expect(approved.phase).toBe('distributed');
      expect(calls).toContain('distribute@3');
      const sent = (await store.rounds.get(gardenId, date)) as Round;
      expect(sent.phase).toBe('distributed');
      expect(sent.approval?.by).toEqual(staff);
      await expect(handle.executeUpdate(approveRoundUpdate, { args: [{ actor: staff }] })).rejects.toThrow();

      // 6. A stop marked not delivered (stored by the API, then told): the member hears of it once.
      const mark = {
        markId: '0a1b2c3d-0000-4000-8000-000000000001',
        stopId: 'home.m-home-0.start',
        outcome: 'not-delivered' as const,
        reason: 'absent' as const,
        markedAt: new Date(await env.currentTimeMs()).toISOString(),
        receivedAt: new Date(await env.currentTimeMs()).toISOString(),
        by: { userId: 'u-driver', name: 'Karim Haddad' },
      };
      await store.rounds.addMark(gardenId, date, mark);
      await handle.signal(stopMarkedSignal, mark);
      await handle.signal(stopMarkedSignal, mark);
      const delivered = {
        ...mark,
        markId: '0a1b2c3d-0000-4000-8000-000000000002',
        stopId: 'depot.d-centre',
        outcome: 'delivered' as const,
      };
      await store.rounds.addMark(gardenId, date, delivered);

      // 7. The evening: windows told in the morning, the day reported, nothing can change any more.
      const evening = roundEvening(date, 'Europe/Paris').getTime();
      await sleepUntil(env, new Date(evening + 60_000));
      expect((await handle.query(roundStatusQuery)).phase).toBe('done');
      await expect(
        handle.executeUpdate(changePinsUpdate, { args: [{ actor: staff, pins: [] }] }),
      ).rejects.toThrow();
      expect(calls.filter((call) => call === 'missed:home.m-home-0.start')).toHaveLength(1);
      expect(calls).toContain('windows');
      const done = (await store.rounds.get(gardenId, date)) as Round;
      expect(done.phase).toBe('done');
      expect(done.report).toMatchObject({ delivered: 1, notDelivered: 1, unmarked: 2 });
      expect(calls.filter((call) => call.startsWith('report'))).toEqual(['report']);

      // 8. A phone offline all evening sends two marks the next morning: the member of the missed
      // basket hears of it, and the day is reported again, once, a quarter of an hour later.
      const nextMorning = evening + 11 * 3_600_000;
      await sleepUntil(env, new Date(nextMorning));
      const late = {
        ...mark,
        markId: '0a1b2c3d-0000-4000-8000-000000000003',
        stopId: 'home.m-home-2.start',
        receivedAt: new Date(nextMorning).toISOString(),
      };
      const lateDelivered = {
        ...delivered,
        markId: '0a1b2c3d-0000-4000-8000-000000000004',
        stopId: 'home.m-home-3.start',
      };
      for (const each of [late, lateDelivered]) {
        await store.rounds.addMark(gardenId, date, each);
        await handle.signal(stopMarkedSignal, each);
      }
      await sleepUntil(env, new Date(nextMorning + 5 * 60_000));
      expect(calls.filter((call) => call === 'missed:home.m-home-2.start')).toHaveLength(1);
      expect(calls.filter((call) => call.startsWith('report'))).toEqual(['report']);
      await sleepUntil(env, new Date(nextMorning + 20 * 60_000));
      expect(calls.filter((call) => call.startsWith('report'))).toEqual(['report', 'report-again']);
      const revised = (await store.rounds.get(gardenId, date)) as Round;
      expect(revised.report).toMatchObject({ delivered: 2, notDelivered: 2, unmarked: 0 });

      // Two days on, the round's workflow ends.
      const final = await handle.result();
      expect(final.phase).toBe('done');
      expect(calls.filter((call) => call.startsWith('report'))).toEqual(['report', 'report-again']);
    });
  });

  it('falls back to the built-in optimiser when Circuit fails, importing no stop twice', async () => {
    const { env, store } = garden;
    const { gardenId, depotId } = await createTestGarden(store, 'round-circuit');
    const { date } = await roundGarden(env, store, gardenId, depotId);
    const circuit = await startCircuitFake();
    try {
      await saveTestFleet(store, gardenId, { ...fleetInput, optimiser: 'circuit' });
      await store.fleet.setCircuitKey(gardenId, circuit.apiKey, new Date().toISOString());
      circuit.throttle(3);
      circuit.failNextOperation();
      await withTestWorker(
        env,
        testActivities(store, { CIRCUIT_API_URL: circuit.baseUrl }),
        async (taskQueue) => {
          const handle = await firstPlan(env, taskQueue, gardenId, date);
          const round = (await store.rounds.get(gardenId, date)) as Round;
          expect(round.solution?.optimiser).toBe('vroom');
          expect(round.solution?.fallbackReason).toMatch(/Circuit/);
          routedOnce(round);
          const imported = circuit.importedExternalIds();
          expect(new Set(imported).size).toBe(imported.length);
          await handle.terminate('test over');
        },
      );
    } finally {
      await circuit.close();
    }
  });

  it('shares the stops out in order, saying why, while the built-in optimiser is out of reach', async () => {
    const { env, store } = garden;
    const { gardenId, depotId } = await createTestGarden(store, 'round-vroom-down');
    const { date } = await roundGarden(env, store, gardenId, depotId);
    // Nothing listens on port 9 here: VROOM is down.
    await withTestWorker(
      env,
      testActivities(store, { VROOM_URL: 'http://127.0.0.1:9' }),
      async (taskQueue) => {
        const handle = await firstPlan(env, taskQueue, gardenId, date);
        const round = (await store.rounds.get(gardenId, date)) as Round;
        expect(round.solution?.optimiser).toBe('entry-order');
        expect(round.solution?.fallbackReason).toMatch(/optimiseur intégré ne répond pas/);
        routedOnce(round);
        await handle.terminate('test over');
      },
    );
  });

  it('finds the door of a household nobody placed on the map (BAN), and flags one it cannot find', async () => {
    const { env, store } = garden;
    const { gardenId, depotId } = await createTestGarden(store, 'round-geocoding');
    const { date } = await roundGarden(env, store, gardenId, depotId);
    const now = new Date().toISOString();
    await store.members.create(
      gardenId,
      'm-found',
      {
        firstName: 'Rose',
        lastName: 'Bonnet',
        address: { street: '12 rue de la République', postalCode: '25000', city: 'Besançon' },
      },
      now,
    );
    await store.members.create(
      gardenId,
      'm-lost',
      {
        firstName: 'Paul',
        lastName: 'Nulle-Part',
        address: { street: '99 impasse Inconnue', postalCode: '25000', city: 'Besançon' },
      },
      now,
    );
    await planTestBaskets(store, gardenId, basketsAt(date, 'd-domicile', ['m-found', 'm-lost']));
    const ban = await startBanFake();
    try {
      await withTestWorker(env, testActivities(store, { GEOCODER_URL: ban.baseUrl }), async (taskQueue) => {
        const handle = await firstPlan(env, taskQueue, gardenId, date);
        const round = (await store.rounds.get(gardenId, date)) as Round;
        expect(round.stops.find((stop) => stop.id === 'home.m-found.start')?.location).toEqual({
          lat: 47.2391734,
          lng: 6.0266512,
        });
        expect((await store.members.get(gardenId, 'm-found'))?.location).toEqual({
          lat: 47.2391734,
          lng: 6.0266512,
        });
        expect(round.solution?.unrouted).toEqual([{ stopId: 'home.m-lost.start', reason: 'no-location' }]);
        routedOnce(round);
        await handle.terminate('test over');
      });
    } finally {
      await ban.close();
    }
  });

  it('plans with Circuit when the garden chose it, and sends the approved plan to Circuit’s drivers too', async () => {
    const { env, store } = garden;
    const { gardenId, depotId } = await createTestGarden(store, 'round-circuit-ok');
    const { date } = await roundGarden(env, store, gardenId, depotId);
    const circuit = await startCircuitFake();
    try {
      await saveTestFleet(store, gardenId, { ...fleetInput, optimiser: 'circuit' });
      await store.fleet.setCircuitKey(gardenId, circuit.apiKey, new Date().toISOString());
      await withTestWorker(
        env,
        testActivities(store, { CIRCUIT_API_URL: circuit.baseUrl }),
        async (taskQueue) => {
          const handle = await firstPlan(env, taskQueue, gardenId, date);
          const round = (await store.rounds.get(gardenId, date)) as Round;
          expect(round.solution?.optimiser).toBe('circuit');
          expect(round.solution?.fallbackReason).toBeUndefined();
          routedOnce(round);
          expect(circuit.plans().some((plan) => plan.distributed)).toBe(false);
          await handle.executeUpdate(approveRoundUpdate, { args: [{ actor: staff }] });
          expect(circuit.plans().map((plan) => plan.distributed)).toEqual([true]);
          await handle.terminate('test over');
        },
      );
    } finally {
      await circuit.close();
    }
  });

  it('starts when the week plans its baskets, and plans again when the week hears of a change', async () => {
    const { env, store } = garden;
    const { gardenId, depotId } = await createTestGarden(store, 'round-week');
    const { date } = await roundGarden(env, store, gardenId, depotId);
    const week = isoWeek(date);
    // Subscriptions that make the week's baskets: two at the depot, then one at home.
    const subscription = (memberId: string, depot: string): Subscription => ({
      id: `${memberId}.start`,
      gardenId,
      memberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: depot,
      startDate: addDays(date, -14),
      status: 'active',
      requested: { by: staff, at: new Date().toISOString() },
      changes: [],
      absences: [],
      updatedAt: new Date().toISOString(),
      revision: 2,
    });
    const made = await store.weeks.baskets(gardenId, week);
    await store.weeks.replaceBaskets(
      gardenId,
      week,
      made.map((basket) => basket.subscriptionId),
      [],
    );
    for (const record of [subscription('m-depot-0', depotId), subscription('m-depot-1', depotId)]) {
      await store.members.create(gardenId, record.memberId, { firstName: 'A', lastName: 'B' }, '');
      await store.subscriptions.record(record);
    }
    await store.settings.saveCalendar(
      gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(date, -70), end: addDays(date, 200) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      0,
      new Date().toISOString(),
    );
    await withTestWorker(env, testActivities(store), async (taskQueue) => {
      const weekHandle = await weekAwaitingComposition(env, taskQueue, gardenId, week);
      const round = env.client.workflow.getHandle(roundProcessId(gardenId, date));
      await expect
        .poll(async () => (await store.rounds.get(gardenId, date))?.revision, { timeout: 20_000 })
        .toBe(1);
      expect((await store.rounds.get(gardenId, date))?.stops.map((stop) => stop.id)).toEqual([
        'depot.d-centre',
      ]);

      // A household starts home delivery: the week plans it, the round plans again with its door.
      const home = subscription('m-home-3', 'd-domicile');
      await store.subscriptions.record(home);
      await weekHandle.signal(basketsChangedSignal, home.id);
      await expect
        .poll(async () => (await store.rounds.get(gardenId, date))?.revision, { timeout: 20_000 })
        .toBe(2);
      expect((await store.rounds.get(gardenId, date))?.stops.map((stop) => stop.id)).toEqual([
        'depot.d-centre',
        'home.m-home-3.start',
      ]);
      expect((await round.query(roundStatusQuery)).phase).toBe('awaiting-approval');
      await round.terminate('test over');
      await weekHandle.terminate('test over');
    });
  });
});

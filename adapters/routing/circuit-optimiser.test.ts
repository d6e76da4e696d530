import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vehicle } from '../../domain/rounds/fleet.ts';
import { straightLineMatrix } from '../../domain/rounds/distance.ts';
import {
  matrixPlaces,
  type RoundProblem,
  type RoundSolution,
  type RouteOptimiser,
} from '../../domain/rounds/plan.ts';
import { stopIdOfDepot, stopIdOfHome, type RoundStop } from '../../domain/rounds/stops.ts';
import { timeRoute } from '../../domain/rounds/timing.ts';
import { startCircuitFake, type CircuitFake } from '../../tests/fakes/circuit-api.ts';
import { createCircuitClient, type CircuitClientOptions } from './circuit-client.ts';
import { createCircuitOptimiser, type CircuitOptimiserOptions } from './circuit-optimiser.ts';
import { withFallback } from './fallback-optimiser.ts';

const date = '2030-06-12';
const gardenId = 'val-du-doubs-test';

const vehicles: Vehicle[] = [
  {
    id: 'kangoo',
    name: 'Kangoo',
    driverName: 'Lucie Perrin',
    driverPhone: '+33612345678',
    capacity: 200,
    start: { lat: 47.2805, lng: 6.0603 },
    workStart: '08:00',
    workEnd: '18:00',
  },
  {
    id: 'jumpy',
    name: 'Jumpy',
    driverName: 'Marc Roy',
    capacity: 200,
    start: { lat: 47.2805, lng: 6.0603 },
    workStart: '09:00',
    workEnd: '17:00',
  },
];

/** `count` stops around Besançon, a few depots with opening hours, the rest doors. */
function stopsOf(count: number): RoundStop[] {
  return Array.from({ length: count }, (_, index) => {
    const depot = index % 10 === 0;
    const angle = (index * 137.5 * Math.PI) / 180;
    const radius = 0.02 + (0.15 * ((index * 7919) % 100)) / 100;
    return {
      id: depot ? stopIdOfDepot(`depot-${index}`) : stopIdOfHome(`sub-${index}`),
      kind: depot ? 'depot' : 'home',
      depotId: depot ? `depot-${index}` : 'depot-0',
      name: depot ? `Dépôt ${index}` : `Foyer ${index}`,
      location: { lat: 47.24 + radius * Math.sin(angle), lng: 6.02 + radius * Math.cos(angle) },
      ...(depot ? { window: { start: 10 * 3600, end: 19 * 3600 } } : {}),
      baskets: { small: depot ? 3 : 1, medium: 0, large: 0 },
      serviceSeconds: depot ? 600 : 180,
    } satisfies RoundStop;
  });
}

function problemOf(count: number): RoundProblem {
  return { gardenId, date, vehicles, stops: stopsOf(count), pins: [] };
}

/** The stand-in for the built-in optimiser: stops in entry order, vehicles taking turns. */
const entryOrder: RouteOptimiser = {
  async optimise(problem) {
    const matrix = straightLineMatrix(matrixPlaces(problem));
    const routes = problem.vehicles.map((vehicle, v) =>
      timeRoute(
        problem,
        matrix,
        vehicle.id,
        problem.stops.filter((_, s) => s % problem.vehicles.length === v).map((stop) => stop.id),
      ),
    );
    return { routes, unrouted: [], optimiser: 'entry-order' };
  },
};

describe('the Circuit optimiser, against the contract fake', () => {
  let fake: CircuitFake;
  let waits: number[];
  let clock: number;

  const sleep = async (ms: number) => {
    waits.push(ms);
    clock += ms;
  };
  const optimiserOf = (
    clientOptions: Partial<CircuitClientOptions> = {},
    optimiserOptions: Partial<CircuitOptimiserOptions> = {},
  ) =>
    createCircuitOptimiser({
      client: createCircuitClient({
        apiKey: fake.apiKey,
        baseUrl: fake.baseUrl,
        sleep,
        random: () => 0.5,
        timeoutMs: 2_000,
        ...clientClock,
        ...clientOptions,
      }),
      poll: { intervalMs: 1_000, maxIntervalMs: 5_000, timeoutMs: 60_000 },
      sleep,
      now: () => clock,
      ...optimiserOptions,
    });
  // The client's back-offs count against the same (fake) clock as the optimiser's budget.
  const clientClock = { now: () => clock };

  const routedIds = (solution: Awaited<ReturnType<RouteOptimiser['optimise']>>) =>
    solution.routes.flatMap((route) => route.stops.map((stop) => stop.stopId));

  beforeEach(async () => {
    fake = await startCircuitFake();
    waits = [];
    clock = 0;
  });
  afterEach(() => fake.close());

  it('plans a day: every stop routed once, in batches of at most 100, our ids mapped back with ETAs', async () => {
    const problem = problemOf(230);
    const solution = await optimiserOf().optimise(problem);

    expect(solution.optimiser).toBe('circuit');
    expect(solution.fallbackReason).toBeUndefined();
    expect(solution.unrouted).toEqual([]);
    const routed = routedIds(solution);
    expect(routed).toHaveLength(230);
    expect(new Set(routed)).toEqual(new Set(problem.stops.map((stop) => stop.id)));
    expect(solution.routes.map((route) => route.vehicleId).sort()).toEqual(['jumpy', 'kangoo']);

    const imports = fake.requests.filter((request) => request.path.endsWith('/stops:import'));
    expect(imports.map((request) => (request.body as unknown[]).length)).toEqual([100, 100, 30]);
    expect(fake.importedExternalIds()).toHaveLength(230);
    expect(fake.plans()).toHaveLength(1);
    expect(fake.plans()[0]?.title).toBe(`Cocagne ${gardenId} ${date}`);
    expect(
      fake
        .drivers()
        .map((driver) => driver.email)
        .sort(),
    ).toEqual([`${gardenId}.jumpy@drivers.cocagne.invalid`, `${gardenId}.kangoo@drivers.cocagne.invalid`]);

    const jumpy = solution.routes.find((route) => route.vehicleId === 'jumpy');
    const first = jumpy?.stops[0];
    // Jumpy leaves at 9:00 (its driver's hours, sent to Circuit), so its first arrival is after that.
    expect(first && first.arrival).toBeGreaterThan(9 * 3600);
    expect(first && first.arrival).toBeLessThan(10 * 3600 + 1);
    for (const route of solution.routes) {
      for (let index = 1; index < route.stops.length; index += 1) {
        expect(route.stops[index]!.arrival).toBeGreaterThanOrEqual(route.stops[index - 1]!.departure);
      }
      expect(route.baskets).toBe(
        route.stops.reduce((sum, stop) => sum + (stop.stopId.startsWith('depot.') ? 3 : 1), 0),
      );
    }
    // Every request carried the key as Basic auth.
    expect(fake.requests.every((request) => request.status !== 401)).toBe(true);
  });

  it('keeps pins: a stop pinned to a vehicle goes to its driver, and first', async () => {
    const problem = problemOf(20);
    const pinned = problem.stops[7]!.id;
    problem.pins = [{ stopId: pinned, vehicleId: 'jumpy', position: 'first' }];
    const solution = await optimiserOf().optimise(problem);
    const jumpy = solution.routes.find((route) => route.vehicleId === 'jumpy');
    expect(jumpy?.stops[0]?.stopId).toBe(pinned);
  });

  it('backs off on 429s with growing, jittered waits and still imports nothing twice', async () => {
    fake.throttle(4);
    const solution = await optimiserOf({ random: () => 0.25 }).optimise(problemOf(150));

    expect(routedIds(solution)).toHaveLength(150);
    expect(fake.requests.filter((request) => request.status === 429)).toHaveLength(4);
    // Equal jitter on 500 ms doubling: half fixed, half random (0.25 here).
    expect(waits.slice(0, 4)).toEqual([313, 625, 1250, 2500]);
    const imported = fake.importedExternalIds();
    expect(imported).toHaveLength(150);
    expect(new Set(imported).size).toBe(150);
  });

  it('a Retry-After answer is waited for at least', async () => {
    fake.throttle(1, 7);
    await optimiserOf().optimise(problemOf(5));
    expect(waits[0]).toBe(7_000);
  });

  it('after a crash mid-import, the retried call finds the plan and imports only the missing stops', async () => {
    const problem = problemOf(250);
    // The second batch is applied by Circuit but its answer never comes back: the activity fails.
    let imports = 0;
    fake.interrupt((method, path) => method === 'POST' && path.endsWith('/stops:import') && ++imports === 2, {
      afterApplying: true,
    });
    await expect(optimiserOf().optimise(problem)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(fake.externalIdsOf(fake.plans()[0]!.id)).toHaveLength(200);

    const solution = await optimiserOf().optimise(problem);

    expect(fake.plans()).toHaveLength(1);
    expect(fake.drivers()).toHaveLength(2);
    const held = fake.externalIdsOf(fake.plans()[0]!.id);
    expect(held).toHaveLength(250);
    expect(new Set(held).size).toBe(250);
    const retriedImports = fake.requests
      .filter((request) => request.path.endsWith('/stops:import') && request.status === 200)
      .slice(2);
    expect(retriedImports.map((request) => (request.body as unknown[]).length)).toEqual([50]);
    expect(routedIds(solution)).toHaveLength(250);
  });

  it('a retried call after the optimisation started waits for it instead of starting another', async () => {
    fake.operationPolls(3);
    const problem = problemOf(12);
    // The first call dies while polling (its answer to the first poll is lost).
    fake.interrupt((method, path) => method === 'GET' && path.startsWith('/operations/'), { times: 6 });
    await expect(optimiserOf().optimise(problem)).rejects.toMatchObject({ kind: 'unavailable' });

    const solution = await optimiserOf().optimise(problem);
    expect(routedIds(solution)).toHaveLength(12);
    expect(
      fake.requests.filter((request) => /:optimize$/.test(request.path) && request.status === 200),
    ).toHaveLength(1);
    expect(fake.importedExternalIds()).toHaveLength(12);
  });

  it('a late stop on an optimised plan goes in as a live stop and the plan is re-optimised', async () => {
    const problem = problemOf(20);
    await optimiserOf().optimise({ ...problem, stops: problem.stops.slice(0, 19) });

    const solution = await optimiserOf().optimise(problem);

    expect(routedIds(solution)).toHaveLength(20);
    const live = fake.requests.filter((request) => request.path.endsWith('/stops:liveImport'));
    expect(
      live.map(
        (request) => (request.body as Array<{ recipient: { externalId: string } }>)[0]?.recipient.externalId,
      ),
    ).toEqual([problem.stops[19]!.id]);
    // A garden that re-optimises gets the whole plan worked out again, across its drivers.
    expect(
      fake.requests.filter((request) => request.path.endsWith(':reoptimize')).map((request) => request.body),
    ).toEqual([{ optimizationType: 'redistribute_stops_between_drivers' }]);
    expect(new Set(fake.importedExternalIds()).size).toBe(20);
    expect(fake.importedExternalIds()).toHaveLength(20);
  });

  it('distributes the day once: a second call does nothing', async () => {
    const optimiser = optimiserOf();
    await optimiser.optimise(problemOf(8));
    await optimiser.distribute(gardenId, date);
    await optimiser.distribute(gardenId, date);
    expect(fake.plans()[0]?.distributed).toBe(true);
    expect(fake.requests.filter((request) => request.path.endsWith(':distribute'))).toHaveLength(1);
  });

  describe('a re-plan makes the plan’s stops the problem’s stops', () => {
    const planId = () => fake.plans()[0]!.id;
    const since = (from: number) => fake.requests.slice(from);
    const writes = (from: number) => since(from).filter((request) => request.method !== 'GET');
    const paths = (from: number, suffix: string) =>
      since(from).filter((request) => request.path.endsWith(suffix) && request.status < 300);
    const driverOf = (vehicleId: string) =>
      fake.drivers().find((driver) => driver.email === `${gardenId}.${vehicleId}@drivers.cocagne.invalid`)!
        .id;
    const without = (problem: RoundProblem, ...stopIds: string[]): RoundProblem => ({
      ...problem,
      stops: problem.stops.filter((stop) => !stopIds.includes(stop.id)),
    });

    it('a stop removed (an absence) is deleted from Circuit, the plan re-optimised and saved, not sent', async () => {
      const problem = problemOf(20);
      await optimiserOf().optimise(problem);
      const removed = problem.stops[4]!.id;
      const from = fake.requests.length;

      const solution = await optimiserOf().optimise(without(problem, removed));

      expect(fake.deletions().map((change) => [change.externalId, change.live])).toEqual([[removed, true]]);
      expect(paths(from, ':liveDelete')).toHaveLength(1);
      expect(fake.externalIdsOf(planId())).toHaveLength(19);
      expect(fake.externalIdsOf(planId())).not.toContain(removed);
      expect(routedIds(solution)).toHaveLength(19);
      expect(routedIds(solution)).not.toContain(removed);
      expect(paths(from, ':reoptimize')).toHaveLength(1);
      // Before approval the changes are saved, not sent to the drivers.
      expect(paths(from, ':save')).toHaveLength(1);
      expect(paths(from, ':redistribute')).toHaveLength(0);
      expect(fake.plans()[0]).toMatchObject({ optimization: 'optimized', distributed: false });
      expect(fake.importedExternalIds()).toHaveLength(20);
    });

    it('on a plan never optimised (the first call died before :optimize), extra stops get DELETE and changed ones PATCH', async () => {
      const problem = problemOf(12);
      fake.interrupt((method, path) => method === 'POST' && path.endsWith(':optimize'));
      await expect(optimiserOf().optimise(problem)).rejects.toMatchObject({ kind: 'unavailable' });
      expect(fake.plans()[0]?.writable).toBe(true);
      const removed = problem.stops[3]!.id;
      const changed = problem.stops[5]!;
      const from = fake.requests.length;

      const next = without(problem, removed);
      next.stops = next.stops.map((stop) =>
        stop.id === changed.id ? { ...stop, baskets: { small: 1, medium: 3, large: 0 } } : stop,
      );
      const solution = await optimiserOf().optimise(next);

      expect(
        since(from).filter((request) => request.method === 'DELETE' && request.status === 204),
      ).toHaveLength(1);
      expect(fake.deletions()).toMatchObject([{ externalId: removed, live: false }]);
      expect(
        since(from).filter((request) => request.method === 'PATCH' && request.path.includes('/stops/')),
      ).toHaveLength(1);
      expect(fake.updates()).toEqual([
        expect.objectContaining({ externalId: changed.id, live: false, body: { packageCount: 4 } }),
      ]);
      expect(paths(from, ':optimize')).toHaveLength(1);
      expect(paths(from, ':import')).toHaveLength(0);
      expect(routedIds(solution).sort()).toEqual(next.stops.map((stop) => stop.id).sort());
    });

    it('a changed basket count is updated (that field only) and the plan re-optimised', async () => {
      const problem = problemOf(15);
      await optimiserOf().optimise(problem);
      const changed = problem.stops[2]!;
      const from = fake.requests.length;

      await optimiserOf().optimise({
        ...problem,
        stops: problem.stops.map((stop) =>
          stop.id === changed.id ? { ...stop, baskets: { small: 2, medium: 0, large: 1 } } : stop,
        ),
      });

      expect(fake.updates()).toEqual([
        expect.objectContaining({ externalId: changed.id, live: true, body: { packageCount: 3 } }),
      ]);
      expect(paths(from, ':liveUpdate')).toHaveLength(1);
      expect(paths(from, ':reoptimize')).toHaveLength(1);
      expect(paths(from, 'stops:liveImport')).toHaveLength(0);
      expect(fake.deletions()).toEqual([]);
    });

    it('a window, notes or phone changed are updated with just those fields', async () => {
      const problem = problemOf(6);
      await optimiserOf().optimise(problem);
      const changed = problem.stops[1]!;

      await optimiserOf().optimise({
        ...problem,
        stops: problem.stops.map((stop) =>
          stop.id === changed.id
            ? { ...stop, window: { start: 17 * 3600, end: 18 * 3600 + 30 * 60 }, accessNotes: 'Code 4512' }
            : stop,
        ),
      });

      expect(fake.updates()).toHaveLength(1);
      expect(fake.updates()[0]?.body).toEqual({
        timing: {
          earliestAttemptTime: { hour: 17, minute: 0 },
          latestAttemptTime: { hour: 18, minute: 30 },
          estimatedAttemptDuration: 180,
        },
        notes: 'Code 4512',
      });
    });

    it('a pin change re-optimises: the stop goes first to the pinned vehicle, and back when unpinned', async () => {
      const problem = problemOf(20);
      await optimiserOf().optimise(problem);
      const pinned = problem.stops[7]!.id;
      let from = fake.requests.length;

      const solution = await optimiserOf().optimise({
        ...problem,
        pins: [{ stopId: pinned, vehicleId: 'jumpy', position: 'first' }],
      });

      expect(fake.updates()).toEqual([
        expect.objectContaining({
          externalId: pinned,
          body: { allowedDrivers: [driverOf('jumpy')], optimizationOrder: 'first' },
        }),
      ]);
      expect(paths(from, ':reoptimize')).toHaveLength(1);
      expect(solution.routes.find((route) => route.vehicleId === 'jumpy')?.stops[0]?.stopId).toBe(pinned);

      from = fake.requests.length;
      await optimiserOf().optimise(problem);
      expect(fake.updates()[1]).toMatchObject({
        externalId: pinned,
        body: { allowedDrivers: null, optimizationOrder: 'default' },
      });
      expect(paths(from, ':reoptimize')).toHaveLength(1);
    });

    it('nothing changed: no import, update, delete nor re-optimisation, and the same routes', async () => {
      const problem = problemOf(25);
      problem.pins = [{ stopId: problem.stops[3]!.id, vehicleId: 'kangoo', position: 'last' }];
      const first = await optimiserOf().optimise(problem);
      const from = fake.requests.length;

      const again = await optimiserOf().optimise(problem);

      expect(writes(from)).toEqual([]);
      expect(again.routes).toEqual(first.routes);
    });

    it('a crash half-way through the deletes, then a retry: the problem’s stops, none deleted or imported twice', async () => {
      const problem = problemOf(20);
      await optimiserOf().optimise(problem);
      const removed = problem.stops.slice(10, 16).map((stop) => stop.id);
      // The third delete is applied by Circuit but its answer never comes back: the activity fails.
      let deletes = 0;
      fake.interrupt((method, path) => method === 'POST' && path.endsWith(':liveDelete') && ++deletes === 3, {
        afterApplying: true,
      });
      const next = without(problem, ...removed);
      await expect(optimiserOf().optimise(next)).rejects.toMatchObject({ kind: 'unavailable' });
      expect(fake.externalIdsOf(planId())).toHaveLength(17);

      const solution = await optimiserOf().optimise(next);

      const held = fake.externalIdsOf(planId());
      expect(held.sort()).toEqual(next.stops.map((stop) => stop.id).sort());
      expect(
        fake
          .deletions()
          .map((change) => change.externalId)
          .sort(),
      ).toEqual([...removed].sort());
      expect(new Set(fake.deletions().map((change) => change.stopId)).size).toBe(6);
      expect(fake.importedExternalIds()).toHaveLength(20);
      expect(fake.requests.filter((request) => request.path.endsWith(':reoptimize'))).toHaveLength(1);
      expect(fake.plans()[0]?.optimization).toBe('optimized');
      expect(routedIds(solution).sort()).toEqual(next.stops.map((stop) => stop.id).sort());
    });

    it('a crash after the live changes but before re-optimising: the retry re-optimises what was left waiting', async () => {
      const problem = problemOf(10);
      await optimiserOf().optimise(problem);
      const removed = problem.stops[6]!.id;
      fake.interrupt((method, path) => method === 'POST' && path.endsWith(':reoptimize'));
      await expect(optimiserOf().optimise(without(problem, removed))).rejects.toMatchObject({
        kind: 'unavailable',
      });
      const from = fake.requests.length;

      const solution = await optimiserOf().optimise(without(problem, removed));

      expect(paths(from, ':liveDelete')).toHaveLength(0);
      expect(paths(from, ':reoptimize')).toHaveLength(1);
      expect(paths(from, ':save')).toHaveLength(1);
      expect(routedIds(solution)).toHaveLength(9);
      expect(fake.plans()[0]?.optimization).toBe('optimized');
    });

    it('a stop that moved is deleted and imported again (Circuit cannot move a stop)', async () => {
      const problem = problemOf(8);
      await optimiserOf().optimise(problem);
      const moved = problem.stops[5]!;

      await optimiserOf().optimise({
        ...problem,
        stops: problem.stops.map((stop) =>
          stop.id === moved.id ? { ...stop, location: { lat: 47.3, lng: 6.1 } } : stop,
        ),
      });

      expect(fake.deletions().map((change) => change.externalId)).toEqual([moved.id]);
      expect(fake.importedExternalIds().filter((id) => id === moved.id)).toHaveLength(2);
      expect(fake.externalIdsOf(planId()).filter((id) => id === moved.id)).toHaveLength(1);
      expect(fake.updates()).toEqual([]);
    });

    it('after distribution a change reaches the drivers: live delete, re-optimised, redistributed', async () => {
      const problem = problemOf(12);
      const optimiser = optimiserOf();
      await optimiser.optimise(problem);
      await optimiser.distribute(gardenId, date);
      const removed = problem.stops[0]!.id;
      const from = fake.requests.length;

      await optimiser.optimise(without(problem, removed));
      await optimiser.distribute(gardenId, date);

      expect(fake.deletions()).toMatchObject([{ externalId: removed, live: true }]);
      expect(paths(from, ':reoptimize')).toHaveLength(1);
      expect(paths(from, ':redistribute')).toHaveLength(1);
      expect(paths(from, ':save')).toHaveLength(0);
      expect(paths(from, ':distribute')).toHaveLength(0);
      expect(fake.plans()[0]).toMatchObject({ optimization: 'optimized', distributed: true });
    });

    it('deletes many stops at most 5 a second (Circuit’s write limit)', async () => {
      const problem = problemOf(20);
      await optimiserOf().optimise(problem);
      const removed = problem.stops.slice(0, 6).map((stop) => stop.id);
      waits = [];

      await optimiserOf().optimise(without(problem, ...removed));

      expect(fake.deletions()).toHaveLength(6);
      expect(fake.requests.filter((request) => request.status === 429)).toHaveLength(0);
      // Five waits of 200 ms between six deletes, then the polling.
      expect(waits.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    });
  });

  describe('after the routes were sent, without re-optimising', () => {
    const planId = () => fake.plans()[0]!.id;
    const sent = async (problem: RoundProblem) => {
      const optimiser = optimiserOf();
      const solution = await optimiser.optimise(problem);
      await optimiser.distribute(gardenId, date);
      return solution;
    };

    it('a crash after a live import, then a retry: the kept routes reach Circuit, no stop imported twice', async () => {
      const problem = problemOf(12);
      const first = await sent({ ...problem, stops: problem.stops.slice(0, 10) });
      const late = problem.stops.slice(10);
      // The kept routes: the first ones, the two late stops at the end of Jumpy's.
      const kept: RoundSolution = {
        ...first,
        routes: first.routes.map((route) =>
          route.vehicleId === 'jumpy'
            ? {
                ...route,
                stops: [
                  ...route.stops,
                  ...late.map((stop) => ({ stopId: stop.id, arrival: 0, departure: 0, distance: 0 })),
                ],
              }
            : route,
        ),
      };
      fake.interrupt((method, path) => method === 'POST' && path.endsWith('/stops:liveImport'), {
        afterApplying: true,
      });
      await expect(optimiserOf().keepRoutes(problem, kept)).rejects.toMatchObject({ kind: 'unavailable' });

      const solution = await optimiserOf().keepRoutes(problem, kept);

      expect(fake.importedExternalIds().sort()).toEqual(problem.stops.map((stop) => stop.id).sort());
      expect(fake.externalIdsOf(planId()).sort()).toEqual(problem.stops.map((stop) => stop.id).sort());
      const jumpy = solution.routes.find((route) => route.vehicleId === 'jumpy');
      for (const stop of late) expect(jumpy?.stops.map((planned) => planned.stopId)).toContain(stop.id);
      for (const route of first.routes) {
        const now = solution.routes.find((candidate) => candidate.vehicleId === route.vehicleId);
        const before = route.stops.map((planned) => planned.stopId);
        expect(now?.stops.map((planned) => planned.stopId).filter((id) => before.includes(id))).toEqual(
          before,
        );
      }
      expect(fake.plans()[0]).toMatchObject({ optimization: 'optimized', distributed: true });
    });

    it('clearing a day: a crash half-way through the deletes, then a retry, deletes each stop once', async () => {
      const problem = problemOf(8);
      await sent(problem);
      let deletes = 0;
      fake.interrupt((method, path) => method === 'POST' && path.endsWith(':liveDelete') && ++deletes === 3, {
        afterApplying: true,
      });
      await expect(optimiserOf().clear(gardenId, date)).rejects.toMatchObject({ kind: 'unavailable' });

      await optimiserOf().clear(gardenId, date);

      expect(fake.externalIdsOf(planId())).toEqual([]);
      expect(new Set(fake.deletions().map((change) => change.stopId)).size).toBe(8);
      expect(fake.deletions()).toHaveLength(8);
      expect(fake.requests.filter((request) => request.path.endsWith(':redistribute'))).toHaveLength(1);
      expect(fake.importedExternalIds()).toHaveLength(8);
    });

    it('clearing a day Circuit never planned, or a plan never optimised: nothing re-optimised', async () => {
      await optimiserOf().clear(gardenId, date);
      expect(fake.requests.filter((request) => request.method !== 'GET')).toEqual([]);

      fake.interrupt((method, path) => method === 'POST' && path.endsWith(':optimize'));
      await expect(optimiserOf().optimise(problemOf(4))).rejects.toMatchObject({ kind: 'unavailable' });
      await optimiserOf().clear(gardenId, date);
      expect(fake.deletions().map((change) => change.live)).toEqual([false, false, false, false]);
      expect(fake.requests.filter((request) => /:(re)?optimize$/.test(request.path))).toHaveLength(1);
    });
  });

  describe('drivers, as the contract takes them', () => {
    const contractEmail =
      /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
    const createFields = ['name', 'displayName', 'email', 'phone', 'depots', 'routeOverrides'];

    it('each van gets a driver of its own with a body the contract takes (ids with capitals or a final dot too), created one a second', async () => {
      const vans: Vehicle[] = [
        { ...vehicles[0]!, id: 'Van' },
        { ...vehicles[1]!, id: 'van' },
        { ...vehicles[0]!, id: 'kangoo.', name: 'Kangoo 2', driverName: 'Inès Colin' },
      ];
      const solution = await optimiserOf().optimise({ ...problemOf(12), vehicles: vans });

      expect(fake.requests.filter((request) => request.status === 400)).toEqual([]);
      expect(routedIds(solution)).toHaveLength(12);
      const created = fake.driverWrites().filter((write) => write.method === 'POST');
      expect(created).toHaveLength(3);
      const emails = fake.drivers().map((driver) => driver.email ?? '');
      expect(new Set(emails).size).toBe(3);
      for (const email of emails) expect(email).toMatch(contractEmail);
      for (const { body } of created) {
        expect(Object.keys(body).every((key) => createFields.includes(key))).toBe(true);
        expect(Object.keys(body.routeOverrides as object).sort()).toEqual([
          'endAddress',
          'endTime',
          'startAddress',
          'startTime',
        ]);
      }
      expect(created[2]?.body).toMatchObject({ name: 'Inès Colin', displayName: 'Inès Colin (Kangoo 2)' });
      // Driver creation is limited to 1 a second.
      expect(waits.slice(0, 2)).toEqual([1_000, 1_000]);
    });

    it('a van’s new driver shows in Circuit: the driver found by its email is updated (name, van, hours, start), not created again', async () => {
      await optimiserOf().optimise(problemOf(8));
      const kangoo = fake.drivers().find((driver) => driver.email?.includes('.kangoo@'))!;
      const changed: Vehicle[] = [
        {
          ...vehicles[0]!,
          driverName: 'Sophie Martin',
          driverPhone: '+33699999999',
          workStart: '07:30',
          start: { lat: 47.3, lng: 6.1 },
        },
        vehicles[1]!,
      ];

      await optimiserOf().optimise({ ...problemOf(8), vehicles: changed });

      expect(fake.drivers()).toHaveLength(2);
      const updates = fake.driverWrites().filter((write) => write.method === 'PATCH');
      expect(updates).toEqual([
        {
          method: 'PATCH',
          driverId: kangoo.id,
          body: {
            name: 'Sophie Martin',
            displayName: 'Sophie Martin (Kangoo)',
            routeOverrides: {
              startTime: { hour: 7, minute: 30 },
              endTime: { hour: 18, minute: 0 },
              startAddress: { latitude: 47.3, longitude: 6.1 },
              endAddress: { latitude: 47.3, longitude: 6.1 },
            },
          },
        },
      ]);
      expect(fake.drivers().find((driver) => driver.id === kangoo.id)).toMatchObject({
        name: 'Sophie Martin',
        displayName: 'Sophie Martin (Kangoo)',
      });
      // Once in step, nothing more is written to the drivers.
      await optimiserOf().optimise({ ...problemOf(8), vehicles: changed });
      expect(fake.driverWrites().filter((write) => write.method === 'PATCH')).toHaveLength(1);
    });
  });

  it('routes from Circuit that load a van beyond its capacity are refused: the built-in optimiser plans, and staff read why', async () => {
    const small = vehicles.map((vehicle) => ({ ...vehicle, capacity: 8 }));
    const problem = { ...problemOf(20), vehicles: small };
    // Circuit got each stop's baskets as its packageCount, but no capacity: it cannot know.
    expect(fake.requests).toEqual([]);

    const solution = await withFallback(optimiserOf(), entryOrder).optimise(problem);

    const imported = fake.requests.find((request) => request.path.endsWith('/stops:import'));
    expect((imported?.body as Array<{ packageCount: number }>)[0]?.packageCount).toBe(3);
    expect(solution.optimiser).toBe('entry-order');
    expect(solution.fallbackReason).toMatch(
      /^Circuit ne connaît pas la capacité des véhicules et en a trop chargé \(.*emporterait \d+ paniers pour 8 places\..*\) : tournées calculées par l’optimiseur intégré\.$/,
    );
  });

  describe('falls back to the built-in optimiser, and says why', () => {
    const expectLocalRoutes = (solution: Awaited<ReturnType<RouteOptimiser['optimise']>>, count: number) => {
      expect(solution.optimiser).toBe('entry-order');
      expect(routedIds(solution)).toHaveLength(count);
    };

    it('when the optimisation is slow beyond the bound', async () => {
      fake.operationPolls(Number.POSITIVE_INFINITY);
      const solution = await withFallback(optimiserOf(), entryOrder).optimise(problemOf(30));
      expectLocalRoutes(solution, 30);
      expect(solution.fallbackReason).toBe(
        'Circuit n’a pas fini de calculer les tournées à temps : tournées calculées par l’optimiseur intégré.',
      );
      // It polled with growing waits until the bound (60 s), not forever.
      expect(waits[0]).toBe(1_000);
      expect(waits.at(-1)).toBe(5_000);
      expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThanOrEqual(60_000);
    });

    it('at once when Circuit asks to retry after 600 s (beyond the budget), without waiting', async () => {
      fake.throttle(1, 600);
      const solution = await withFallback(optimiserOf(), entryOrder).optimise(problemOf(10));
      expectLocalRoutes(solution, 10);
      expect(solution.fallbackReason).toBe(
        'Circuit limite le nombre de demandes et n’a pas accepté la nôtre à temps : tournées calculées par l’optimiseur intégré.',
      );
      expect(waits).toEqual([]);
      expect(fake.requests).toHaveLength(1);
    });

    it('when the whole optimise outlasts its budget (3 minutes by default), polling included', async () => {
      fake.operationPolls(Number.POSITIVE_INFINITY);
      const optimiser = optimiserOf(
        {},
        { poll: { intervalMs: 1_000, maxIntervalMs: 5_000, timeoutMs: 10 * 60_000 } },
      );
      const solution = await withFallback(optimiser, entryOrder).optimise(problemOf(10));
      expectLocalRoutes(solution, 10);
      expect(solution.fallbackReason).toBe(
        'Circuit n’a pas fini de calculer les tournées à temps : tournées calculées par l’optimiseur intégré.',
      );
      expect(clock).toBeLessThanOrEqual(3 * 60_000);
      expect(clock).toBeGreaterThan(2 * 60_000);
    });

    it('when back-offs on 429s outlast the budget given', async () => {
      fake.throttle(10_000);
      const optimiser = optimiserOf({ backoff: { maxAttempts: 1_000 } }, { budgetMs: 20_000 });
      const solution = await withFallback(optimiser, entryOrder).optimise(problemOf(10));
      expectLocalRoutes(solution, 10);
      expect(solution.fallbackReason).toContain('Circuit limite le nombre de demandes');
      expect(clock).toBeLessThanOrEqual(20_000);
    });

    it('when the operation fails', async () => {
      fake.failNextOperation();
      const solution = await withFallback(optimiserOf(), entryOrder).optimise(problemOf(30));
      expectLocalRoutes(solution, 30);
      expect(solution.fallbackReason).toBe(
        'Circuit n’a pas réussi à calculer les tournées : tournées calculées par l’optimiseur intégré.',
      );
    });

    it('when Circuit is down', async () => {
      fake.down();
      const solution = await withFallback(optimiserOf(), entryOrder).optimise(problemOf(30));
      expectLocalRoutes(solution, 30);
      expect(solution.fallbackReason).toBe(
        'Circuit ne répond pas : tournées calculées par l’optimiseur intégré.',
      );
    });

    it('when Circuit answers too slowly', async () => {
      fake.slow(300);
      const solution = await withFallback(optimiserOf({ timeoutMs: 50 }), entryOrder).optimise(problemOf(10));
      expectLocalRoutes(solution, 10);
      expect(solution.fallbackReason).toContain('Circuit ne répond pas');
    });

    it('when it keeps throttling beyond the bound', async () => {
      fake.throttle(1_000);
      const solution = await withFallback(optimiserOf({ backoff: { maxAttempts: 4 } }), entryOrder).optimise(
        problemOf(10),
      );
      expectLocalRoutes(solution, 10);
      expect(solution.fallbackReason).toBe(
        'Circuit limite le nombre de demandes et n’a pas accepté la nôtre à temps : tournées calculées par l’optimiseur intégré.',
      );
      expect(fake.requests).toHaveLength(4);
    });

    it('when it refuses the key', async () => {
      const solution = await withFallback(optimiserOf({ apiKey: 'wrong-key' }), entryOrder).optimise(
        problemOf(10),
      );
      expectLocalRoutes(solution, 10);
      expect(solution.fallbackReason).toBe(
        'Circuit refuse la clé d’API du jardin : tournées calculées par l’optimiseur intégré.',
      );
    });
  });
});

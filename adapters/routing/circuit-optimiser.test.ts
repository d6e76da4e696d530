import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vehicle } from '../../domain/rounds/fleet.ts';
import { straightLineMatrix } from '../../domain/rounds/distance.ts';
import { matrixPlaces, type RoundProblem, type RouteOptimiser } from '../../domain/rounds/plan.ts';
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
        ...clientOptions,
      }),
      poll: { intervalMs: 1_000, maxIntervalMs: 5_000, timeoutMs: 60_000 },
      sleep,
      now: () => clock,
      ...optimiserOptions,
    });

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
    expect(fake.requests.filter((request) => request.path.endsWith(':reoptimize'))).toHaveLength(1);
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

import { describe, expect, it } from 'vitest';
import { testEnvironment } from '../../tests/support/environment.ts';
import type { MapPosition } from '../../domain/depot.ts';
import { straightLineMatrix } from '../../domain/rounds/distance.ts';
import { clockSeconds, type Vehicle } from '../../domain/rounds/fleet.ts';
import type { RoundProblem, RoundSolution, StopPin } from '../../domain/rounds/plan.ts';
import type { RoundStop, TimeWindow } from '../../domain/rounds/stops.ts';
import { basketsAt } from '../../domain/rounds/timing.ts';
import { createVroomOptimiser, effortFor } from './vroom-optimiser.ts';

/**
 * The VROOM adapter against the stack's VROOM service (infra/local/vroom-service.py): what it
 * sends is solved for real, and the routes it gives back are checked the way staff and drivers
 * rely on them.
 */

function vroomUrl(): string {
  const url = testEnvironment().VROOM_URL;
  if (!url)
    throw new Error('VROOM_URL is not set: run the tests with `npm test`, which starts the local stack.');
  return url.replace(/\/+$/, '');
}

const garden: MapPosition = { lat: 47.2378, lng: 6.0241 };
const hours = (from: string, to: string): TimeWindow => ({
  start: clockSeconds(from),
  end: clockSeconds(to),
});

function vehicle(id: string, capacity: number, workStart = '08:00', workEnd = '18:00'): Vehicle {
  return {
    id,
    name: `Camion ${id}`,
    driverName: `Chauffeur ${id}`,
    capacity,
    start: garden,
    workStart,
    workEnd,
  };
}

function home(
  id: string,
  location: MapPosition | undefined,
  baskets: number,
  window?: TimeWindow,
): RoundStop {
  return {
    id: `home.${id}`,
    kind: 'home',
    depotId: 'd-domicile',
    subscriptionId: id,
    name: `Foyer ${id}`,
    location,
    window,
    baskets: { small: 0, medium: baskets, large: 0 },
    serviceSeconds: 180,
  };
}

/** Places on a ring around the garden, a few kilometres out, the same at every run. */
function around(index: number, count: number, kilometres = 6): MapPosition {
  const angle = (2 * Math.PI * index) / count;
  return {
    lat: garden.lat + (kilometres / 111) * Math.sin(angle),
    lng: garden.lng + (kilometres / 75) * Math.cos(angle),
  };
}

function problemOf(vehicles: Vehicle[], stops: RoundStop[], pins: StopPin[] = []): RoundProblem {
  return { gardenId: 't-vroom', date: '2026-06-02', vehicles, stops, pins };
}

function routedIds(solution: RoundSolution): string[] {
  return solution.routes.flatMap((route) => route.stops.map((stop) => stop.stopId));
}

/** Checks every route against its vehicle and the stops: capacity, windows, hours, times in order. */
function expectFeasible(problem: RoundProblem, solution: RoundSolution): void {
  const stops = new Map(problem.stops.map((stop) => [stop.id, stop]));
  for (const route of solution.routes) {
    const vehicle = problem.vehicles.find((candidate) => candidate.id === route.vehicleId) as Vehicle;
    const baskets = route.stops.reduce(
      (sum, planned) => sum + basketsAt(stops.get(planned.stopId) as RoundStop),
      0,
    );
    expect(route.baskets).toBe(baskets);
    expect(baskets).toBeLessThanOrEqual(vehicle.capacity);
    expect(route.start).toBeGreaterThanOrEqual(clockSeconds(vehicle.workStart));
    expect(route.end).toBeLessThanOrEqual(clockSeconds(vehicle.workEnd));
    let clock = route.start;
    for (const planned of route.stops) {
      const stop = stops.get(planned.stopId) as RoundStop;
      expect(planned.arrival).toBeGreaterThanOrEqual(clock);
      expect(planned.departure).toBe(planned.arrival + stop.serviceSeconds);
      if (stop.window && !planned.late) {
        expect(planned.arrival).toBeGreaterThanOrEqual(stop.window.start);
        expect(planned.arrival).toBeLessThanOrEqual(stop.window.end);
      }
      clock = planned.departure;
    }
    expect(route.distance).toBe(
      route.stops.reduce((sum, planned) => sum + planned.distance, 0) +
        lastLegOf(problem, route.vehicleId, route),
    );
  }
}

function lastLegOf(problem: RoundProblem, vehicleId: string, route: RoundSolution['routes'][number]): number {
  const located = problem.stops.filter((stop) => stop.location);
  const vehicleIndex = problem.vehicles.findIndex((candidate) => candidate.id === vehicleId);
  const last = route.stops.at(-1);
  if (!last) return 0;
  const matrix = straightLineMatrix([
    ...problem.vehicles.flatMap((candidate) => [candidate.start, candidate.end ?? candidate.start]),
    ...located.map((stop) => stop.location as MapPosition),
  ]);
  const from = 2 * problem.vehicles.length + located.findIndex((stop) => stop.id === last.stopId);
  return matrix.distances[from]?.[2 * vehicleIndex + 1] ?? 0;
}

describe('the VROOM optimiser', () => {
  it('routes every stop once over several vehicles, within capacities and windows', async () => {
    const stops = Array.from({ length: 24 }, (_, index) =>
      home(
        `s${index}`,
        around(index, 24, 3 + (index % 4)),
        1 + (index % 3),
        index % 5 === 0 ? hours('10:00', '10:45') : undefined,
      ),
    );
    // 48 baskets in all: no single vehicle can take them.
    const problem = problemOf([vehicle('v1', 20), vehicle('v2', 20), vehicle('v3', 20)], stops);
    const solution = await createVroomOptimiser({ url: vroomUrl() }).optimise(problem);

    expect(solution.optimiser).toBe('vroom');
    expect(solution.unrouted).toEqual([]);
    const routed = routedIds(solution);
    expect(routed.toSorted()).toEqual(stops.map((stop) => stop.id).toSorted());
    expect(new Set(routed).size).toBe(routed.length);
    expect(solution.routes.length).toBeGreaterThanOrEqual(3);
    expect(solution.routes.flatMap((route) => route.stops).filter((stop) => stop.late)).toEqual([]);
    expectFeasible(problem, solution);
  });

  it('asks for less effort on long days, and takes the effort it is given', async () => {
    expect(effortFor(40)).toEqual({ explorationLevel: 5 });
    expect(effortFor(300)).toEqual({ searches: 2, depth: 1 });
    const stops = Array.from({ length: 10 }, (_, index) => home(`e${index}`, around(index, 10), 1));
    const problem = problemOf([vehicle('v1', 10)], stops);
    for (const effort of [{ searches: 1, depth: 0 }, { explorationLevel: 0 }]) {
      const solution = await createVroomOptimiser({ url: vroomUrl(), effort }).optimise(problem);
      expect(routedIds(solution).toSorted()).toEqual(stops.map((stop) => stop.id).toSorted());
      expectFeasible(problem, solution);
    }
  });

  it('keeps pinned stops on their vehicle, first or last as pinned', async () => {
    const stops = Array.from({ length: 12 }, (_, index) => home(`p${index}`, around(index, 12), 1));
    const pins: StopPin[] = [
      { stopId: 'home.p0', vehicleId: 'v2', position: 'last' },
      { stopId: 'home.p6', vehicleId: 'v2', position: 'first' },
      { stopId: 'home.p3', vehicleId: 'v1' },
      { stopId: 'home.p9', vehicleId: 'v1' },
    ];
    const problem = problemOf([vehicle('v1', 12), vehicle('v2', 12)], stops, pins);
    const solution = await createVroomOptimiser({ url: vroomUrl() }).optimise(problem);

    const routeOf = (vehicleId: string) => solution.routes.find((route) => route.vehicleId === vehicleId);
    const v1 = routeOf('v1')?.stops.map((stop) => stop.stopId) ?? [];
    const v2 = routeOf('v2')?.stops.map((stop) => stop.stopId) ?? [];
    expect(v1).toEqual(expect.arrayContaining(['home.p3', 'home.p9']));
    expect(v2[0]).toBe('home.p6');
    expect(v2.at(-1)).toBe('home.p0');
    expect(routedIds(solution)).toHaveLength(12);
    expectFeasible(problem, solution);
  });

  it('leaves out, with the reason, what no vehicle can take', async () => {
    const stops = [
      home('ok1', around(0, 4), 2),
      home('ok2', around(1, 4), 2),
      home('too-big', around(2, 4), 50),
      home('too-late', around(3, 4), 1, hours('21:00', '21:30')),
      home('unplaced', undefined, 1),
      home('lost-vehicle', around(1, 3), 1),
    ];
    const problem = problemOf([vehicle('v1', 10), vehicle('v2', 10)], stops, [
      { stopId: 'home.lost-vehicle', vehicleId: 'v-sold' },
    ]);
    const solution = await createVroomOptimiser({ url: vroomUrl() }).optimise(problem);

    expect(routedIds(solution).toSorted()).toEqual(['home.ok1', 'home.ok2']);
    expect(solution.unrouted).toEqual([
      { stopId: 'home.too-big', reason: 'capacity' },
      { stopId: 'home.too-late', reason: 'time-window' },
      { stopId: 'home.unplaced', reason: 'no-location' },
      { stopId: 'home.lost-vehicle', reason: 'no-vehicle' },
    ]);
    expectFeasible(problem, solution);
  });

  it('takes its distances and times from the matrix provider it is given', async () => {
    const stops = [home('a', around(0, 2), 1), home('b', around(1, 2), 1)];
    const places: number[] = [];
    const optimiser = createVroomOptimiser({
      url: vroomUrl(),
      // Every leg is 1 km and 2 minutes, whatever the map says.
      matrix: (points) => {
        places.push(points.length);
        const square = (value: number) => points.map((_, i) => points.map((__, j) => (i === j ? 0 : value)));
        return { distances: square(1000), durations: square(120) };
      },
    });
    const solution = await optimiser.optimise(problemOf([vehicle('v1', 5)], stops));

    expect(places).toEqual([4]);
    const [route] = solution.routes;
    expect(route?.distance).toBe(3000);
    expect(route?.driving).toBe(360);
    expect(route?.stops.map((stop) => stop.distance)).toEqual([1000, 1000]);
  });

  it('says clearly when VROOM is down or refuses the problem', async () => {
    const problem = problemOf([vehicle('v1', 5)], [home('a', around(0, 2), 1)]);
    const down = createVroomOptimiser({ url: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(down.optimise(problem)).rejects.toThrow(
      /VROOM \(http:\/\/127\.0\.0\.1:9\) cannot be reached/,
    );

    // A provider whose matrix misses the stops: VROOM answers 400 with its reason.
    const short = createVroomOptimiser({
      url: vroomUrl(),
      matrix: () => ({ distances: [[0]], durations: [[0]] }),
    });
    await expect(short.optimise(problem)).rejects.toThrow(/refused the problem \(HTTP 400\): .*matrix/);
  });

  it('answers nothing to route without calling VROOM', async () => {
    const optimiser = createVroomOptimiser({ url: 'http://127.0.0.1:9' });
    const solution = await optimiser.optimise(problemOf([], [home('a', around(0, 2), 1)]));
    expect(solution).toEqual({
      routes: [],
      unrouted: [{ stopId: 'home.a', reason: 'no-vehicle' }],
      optimiser: 'vroom',
    });
  });
});

describe('the VROOM service', () => {
  it('says who it is', async () => {
    const response = await fetch(`${vroomUrl()}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'cocagne-vroom' });
  });

  it('answers a 400 with the reason to a problem it cannot take', async () => {
    const post = (body: string) => fetch(`${vroomUrl()}/solve`, { method: 'POST', body });
    const notJson = await post('{');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not JSON/);

    const noMatrix = await post(JSON.stringify({ vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1 }] }));
    expect(noMatrix.status).toBe(400);
    expect(((await noMatrix.json()) as { error: string }).error).toMatch(/matrices is required/);

    const noStart = await post(
      JSON.stringify({
        vehicles: [{ id: 1 }],
        jobs: [{ id: 1, location_index: 0 }],
        matrices: { car: { durations: [[0]] } },
      }),
    );
    expect(noStart.status).toBe(400);
    expect(((await noStart.json()) as { error: string }).error).toMatch(
      /No start or end specified for vehicle 1/,
    );
  });
});

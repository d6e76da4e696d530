/**
 * How long the built-in optimiser (VROOM) takes to plan a garden's delivery day, and how far
 * its routes drive against simpler plans.
 *
 *   node bench/round-planning.ts [--stops 300] [--vehicles 6] [--runs 3] [--levels 0,5] [--seed 9]
 *
 * Needs the stack's VROOM service (`npm run stack up`; VROOM_URL to use another). Plans, on the
 * same stops and straight-line matrix: VROOM with the garden's vehicles (timed, at each exploration
 * level), (a) the stops in the order they were entered, each vehicle filled up to its capacity in
 * turn, and (b) VROOM with one vehicle that carries every basket, with no hours, windows or time at
 * stops (300 stops do not fit in one driver's day: a distance reference). See bench/README.md.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createVroomOptimiser, effortFor, type VroomEffort } from '../adapters/routing/vroom-optimiser.ts';
import type { MapPosition } from '../domain/depot.ts';
import { straightLineMatrix } from '../domain/rounds/distance.ts';
import { clockSeconds, type Vehicle } from '../domain/rounds/fleet.ts';
import {
  matrixPlaces,
  type RoundProblem,
  type RoundSolution,
  type VehicleRoute,
} from '../domain/rounds/plan.ts';
import type { RoundStop, TimeWindow } from '../domain/rounds/stops.ts';
import { basketsAt, timeRoute } from '../domain/rounds/timing.ts';
import { localEnvironment } from '../infra/local/environment.ts';
import { seededRandom as prng } from '../tests/support/seeded-random.ts';

const { values: options } = parseArgs({
  options: {
    stops: { type: 'string', default: '300' },
    vehicles: { type: 'string', default: '6' },
    runs: { type: 'string', default: '3' },
    /** VROOM's efforts to time, each `runs` times: `auto` (the adapter's choice), or exploration levels 0-5. */
    levels: { type: 'string', default: 'auto,0,5' },
    seed: { type: 'string', default: '9' },
  },
});
const stopCount = Number(options.stops);
const vehicleCount = Number(options.vehicles);
const runs = Number(options.runs);
const url = vroomUrl();

function vroomUrl(): string {
  const configured = process.env.VROOM_URL?.trim() || localEnvironment().VROOM_URL;
  if (!configured) throw new Error('VROOM_URL is not set.');
  return configured;
}

// ---- A garden near Besançon: depots and home deliveries, the same at every run ----

const random = prng(Number(options.seed));
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));

/** The garden, in Besançon's Chaprais quarter: every vehicle leaves from it and comes back. */
const garden: MapPosition = { lat: 47.2478, lng: 6.0339 };
/** Places around it: two thirds in town (within 6 km), the rest in the villages up to 20 km out. */
function placeNear(): MapPosition {
  const kilometres = random() < 2 / 3 ? 6 * Math.sqrt(random()) : 6 + 14 * random();
  const angle = 2 * Math.PI * random();
  return {
    lat: garden.lat + (kilometres / 111.2) * Math.sin(angle),
    lng: garden.lng + (kilometres / (111.2 * Math.cos((garden.lat * Math.PI) / 180))) * Math.cos(angle),
  };
}
const at = (hours: number, minutes = 0) => hours * 3600 + minutes * 60;

function makeStops(count: number): RoundStop[] {
  const stops: RoundStop[] = [];
  // One stop in 15 is a depot (open two hours, 10 to 30 baskets); the others are members' doors,
  // a third of them with a one-hour window they chose.
  for (let index = 0; index < count; index += 1) {
    const depot = index % 15 === 0;
    let window: TimeWindow | undefined;
    if (depot) {
      const opens = at(between(9, 15));
      window = { start: opens, end: opens + at(2) };
    } else if (random() < 1 / 3) {
      const from = at(between(9, 16), 30 * between(0, 1));
      window = { start: from, end: from + at(1) };
    }
    const baskets = depot ? between(10, 30) : between(1, 2);
    const medium = Math.floor(baskets / 2);
    stops.push({
      id: depot ? `depot.d${index}` : `home.s${index}`,
      kind: depot ? 'depot' : 'home',
      depotId: depot ? `d${index}` : 'd-domicile',
      ...(depot ? {} : { subscriptionId: `s${index}` }),
      name: depot ? `Dépôt ${index}` : `Foyer ${index}`,
      location: placeNear(),
      ...(window ? { window } : {}),
      baskets: { small: baskets - medium, medium, large: 0 },
      serviceSeconds: depot ? 600 : 180,
    });
  }
  return stops;
}

const stops = makeStops(stopCount);
const totalBaskets = stops.reduce((sum, stop) => sum + basketsAt(stop), 0);
// Enough room for every basket with a fifth to spare, shared evenly.
const capacity = Math.ceil((totalBaskets * 1.2) / vehicleCount);
const vehicles: Vehicle[] = Array.from({ length: vehicleCount }, (_, index) => ({
  id: `v${index + 1}`,
  name: `Camion ${index + 1}`,
  driverName: `Chauffeur ${index + 1}`,
  capacity,
  start: garden,
  workStart: '08:00',
  workEnd: '18:00',
}));
const problem: RoundProblem = { gardenId: 'bench', date: '2026-06-02', vehicles, stops, pins: [] };

// ---- Measures ----

interface Totals {
  km: number;
  drivingHours: number;
  routes: number;
  routed: number;
  unrouted: number;
  late: number;
  overtime: number;
}

function totalsOf(routes: VehicleRoute[], unrouted: number, fleet: Vehicle[]): Totals {
  const hoursEnd = new Map(fleet.map((vehicle) => [vehicle.id, clockSeconds(vehicle.workEnd)]));
  return {
    km: routes.reduce((sum, route) => sum + route.distance, 0) / 1000,
    drivingHours: routes.reduce((sum, route) => sum + route.driving, 0) / 3600,
    routes: routes.filter((route) => route.stops.length > 0).length,
    routed: routes.reduce((sum, route) => sum + route.stops.length, 0),
    unrouted,
    late: routes.reduce((sum, route) => sum + route.stops.filter((stop) => stop.late).length, 0),
    overtime: routes.filter((route) => route.end > (hoursEnd.get(route.vehicleId) ?? Infinity)).length,
  };
}

/** Checks what the bench relies on: every stop once, no vehicle over capacity. */
function checkSolution(solution: RoundSolution, fleet: Vehicle[]): void {
  const seen = new Set<string>();
  for (const route of solution.routes) {
    const vehicle = fleet.find((candidate) => candidate.id === route.vehicleId);
    if (!vehicle || route.baskets > vehicle.capacity)
      throw new Error(`Route of ${route.vehicleId} over capacity.`);
    for (const stop of route.stops) {
      if (seen.has(stop.stopId)) throw new Error(`${stop.stopId} routed twice.`);
      seen.add(stop.stopId);
    }
  }
  for (const { stopId } of solution.unrouted) seen.add(stopId);
  if (seen.size !== stops.length) throw new Error(`${stops.length - seen.size} stops lost.`);
}

const levels = (options.levels ?? 'auto').split(',');
const effortOf = (level: string): VroomEffort | undefined =>
  level === 'auto' ? undefined : { explorationLevel: Number(level) };

async function timed(
  fleet: Vehicle[],
  level: string,
  changed: Partial<RoundProblem> = {},
): Promise<{ seconds: number; solution: RoundSolution }> {
  const optimiser = createVroomOptimiser({
    url,
    timeoutMs: 900_000,
    ...(effortOf(level) ? { effort: effortOf(level) } : {}),
  });
  const begin = performance.now();
  const solution = await optimiser.optimise({ ...problem, ...changed, vehicles: fleet });
  const seconds = (performance.now() - begin) / 1000;
  checkSolution(solution, fleet);
  return { seconds, solution };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log(
  `${stopCount} stops (${stops.filter((stop) => stop.kind === 'depot').length} depots, ` +
    `${stops.filter((stop) => stop.window).length} with a window), ${totalBaskets} baskets, ` +
    `${vehicleCount} vehicles of ${capacity}, 08:00-18:00; VROOM at ${url}; ` +
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0]?.toFixed(1)}`,
);

const row = (label: string, totals: Totals, seconds?: string) =>
  `| ${label} | ${seconds ?? '—'} | ${totals.km.toFixed(1)} | ${totals.drivingHours.toFixed(1)} | ` +
  `${totals.routes} | ${totals.routed} | ${totals.unrouted} | ${totals.late} | ${totals.overtime} |`;
const rows: string[] = [];

// VROOM with the garden's vehicles, timed from the problem to the mapped solution.
for (const level of levels) {
  const times: number[] = [];
  let planned: RoundSolution | undefined;
  for (let run = 0; run < runs; run += 1) {
    const { seconds, solution } = await timed(vehicles, level);
    times.push(seconds);
    planned = solution;
    console.log(`  ${level}, run ${run + 1}: ${seconds.toFixed(2)} s`);
  }
  const totals = totalsOf(planned?.routes ?? [], planned?.unrouted.length ?? 0, vehicles);
  const spread = times.map((seconds) => seconds.toFixed(1)).join(', ');
  rows.push(
    row(
      `VROOM, ${vehicleCount} vehicles, ${level === 'auto' ? `adapter's effort ${JSON.stringify(effortFor(stopCount))}` : `exploration ${level}`}`,
      totals,
      `${median(times).toFixed(1)} s (${spread})`,
    ),
  );
}

// (a) The order the stops were entered: each vehicle takes the next stops until it is full.
const matrix = straightLineMatrix(matrixPlaces(problem));
const entryRoutes: VehicleRoute[] = [];
let next = 0;
for (const vehicle of vehicles) {
  const taken: string[] = [];
  let load = 0;
  while (next < stops.length && load + basketsAt(stops[next] as RoundStop) <= vehicle.capacity) {
    load += basketsAt(stops[next] as RoundStop);
    taken.push((stops[next] as RoundStop).id);
    next += 1;
  }
  entryRoutes.push(timeRoute(problem, matrix, vehicle.id, taken));
}
rows.push(
  row('(a) entry order, vehicles filled in turn', totalsOf(entryRoutes, stops.length - next, vehicles)),
);

// (b) One vehicle that carries every basket, all day, without windows or time at stops: how far
// a single tour through every stop drives (time does not change the distance).
const single: Vehicle = {
  ...(vehicles[0] as Vehicle),
  id: 'v-seul',
  capacity: totalBaskets,
  workStart: '00:00',
  workEnd: '23:59',
};
const bare = stops.map(({ window: _window, ...stop }) => ({ ...stop, serviceSeconds: 0 }));
const alone = await timed([single], 'auto', { stops: bare });
rows.push(
  row(
    `(b) one vehicle for every basket, no hours or windows, the adapter's effort`,
    totalsOf(alone.solution.routes, alone.solution.unrouted.length, [single]),
    `${alone.seconds.toFixed(1)} s`,
  ),
);

console.log('\n| plan | time | km | driving h | routes | stops routed | unrouted | late | past hours |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const line of rows) console.log(line);

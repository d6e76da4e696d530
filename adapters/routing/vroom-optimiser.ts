import type { MapPosition } from '../../domain/depot.ts';
import { straightLineMatrix } from '../../domain/rounds/distance.ts';
import { clockSeconds, type Vehicle } from '../../domain/rounds/fleet.ts';
import {
  matrixPlaces,
  type PlannedStop,
  type RoundProblem,
  type RoundSolution,
  type RouteOptimiser,
  type StopPin,
  type TravelMatrix,
  type Unrouted,
  type VehicleRoute,
} from '../../domain/rounds/plan.ts';
import type { RoundStop } from '../../domain/rounds/stops.ts';
import { basketsAt, timeRoute } from '../../domain/rounds/timing.ts';

/**
 * The travel matrix between places (in `matrixPlaces` order). Straight lines locally; OSRM or
 * Circuit's own matrix in production.
 */
export type MatrixProvider = (places: readonly MapPosition[]) => TravelMatrix | Promise<TravelMatrix>;

export interface VroomOptimiserOptions {
  /** The VROOM service (infra/local/vroom-service.py): POST `<url>/solve`. */
  url: string;
  matrix?: MatrixProvider;
  /** How long VROOM may take to answer before the call fails (default 30 s). */
  timeoutMs?: number;
  /** How hard VROOM looks, fixed or by the number of stops to route (default `effortFor`). */
  effort?: VroomEffort | ((stops: number) => VroomEffort);
}

/**
 * How hard VROOM looks: an exploration level, 0 (quick) to 5 (thorough), or a number of searches
 * from different starting solutions and how deep each goes (0-5; level x is 4 (x + 1) searches
 * of depth x). Its time grows steeply with the length of the routes.
 */
export type VroomEffort = { explorationLevel: number } | { searches: number; depth: number };

/**
 * Thorough for a usual round, quicker as the routes grow long, so that a large day is planned
 * in seconds rather than minutes (see bench/README.md: 300 stops on 6 vehicles).
 */
export function effortFor(stops: number): VroomEffort {
  if (stops <= 60) return { explorationLevel: 5 };
  if (stops <= 150) return { explorationLevel: 2 };
  return { searches: 2, depth: 1 };
}

/** VROOM's JSON problem (https://github.com/VROOM-Project/vroom/blob/master/docs/API.md). */
interface VroomProblem {
  vehicles: Array<{
    id: number;
    profile: 'car';
    start_index: number;
    end_index: number;
    capacity: [number];
    time_window: [number, number];
    skills: number[];
  }>;
  jobs: Array<{
    id: number;
    location_index: number;
    delivery: [number];
    service: number;
    skills?: number[];
    time_windows?: Array<[number, number]>;
  }>;
  matrices: { car: TravelMatrix };
}

interface VroomStep {
  type: 'start' | 'job' | 'end' | 'break' | 'pickup' | 'delivery';
  id?: number;
  arrival: number;
  waiting_time: number;
  service: number;
  distance?: number;
}

interface VroomSolution {
  code: number;
  error?: string;
  unassigned: Array<{ id: number }>;
  routes: Array<{
    vehicle: number;
    duration: number;
    distance?: number;
    delivery?: number[];
    steps: VroomStep[];
  }>;
}

const straightLines: MatrixProvider = (places) => straightLineMatrix(places);

/**
 * The built-in optimiser: VROOM, as a service, with capacities (baskets), the drivers' hours,
 * the stops' windows and service times. A stop pinned to a vehicle goes only on it (a VROOM
 * skill per vehicle); pinned first or last, it is moved there after solving and its route
 * re-timed. A VROOM that is down or refuses throws: retrying is the caller's business.
 */
export function createVroomOptimiser(options: VroomOptimiserOptions): RouteOptimiser {
  const base = `${options.url.replace(/\/+$/, '')}/solve`;
  const effortOf = (stops: number): VroomEffort =>
    typeof options.effort === 'function' ? options.effort(stops) : (options.effort ?? effortFor(stops));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const matrixOf = options.matrix ?? straightLines;

  async function solve(problem: VroomProblem): Promise<VroomSolution> {
    const effort = effortOf(problem.jobs.length);
    const query =
      'explorationLevel' in effort
        ? `exploration_level=${effort.explorationLevel}`
        : `searches=${effort.searches}&depth=${effort.depth}`;
    let response: Response;
    try {
      response = await fetch(`${base}?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(problem),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new Error(
        timedOut
          ? `VROOM (${options.url}) gave no answer within ${Math.round(timeoutMs / 1000)} s.`
          : `VROOM (${options.url}) cannot be reached: ${error instanceof Error ? error.message : String(error)}.`,
        { cause: error },
      );
    }
    const text = await response.text();
    let answer: VroomSolution | undefined;
    try {
      answer = JSON.parse(text) as VroomSolution;
    } catch {
      answer = undefined;
    }
    if (!response.ok || !answer || answer.code !== 0) {
      const why = answer?.error ?? text.slice(0, 200);
      throw new Error(`VROOM (${options.url}) refused the problem (HTTP ${response.status}): ${why}`);
    }
    return answer;
  }

  return {
    async optimise(problem: RoundProblem): Promise<RoundSolution> {
      const vehicleIndex = new Map(problem.vehicles.map((vehicle, index) => [vehicle.id, index]));
      const pins = new Map(problem.pins.map((pin) => [pin.stopId, pin]));
      const unrouted: Unrouted[] = [];
      const routable: RoundStop[] = [];
      for (const stop of problem.stops) {
        const pin = pins.get(stop.id);
        if (!stop.location) unrouted.push({ stopId: stop.id, reason: 'no-location' });
        else if (problem.vehicles.length === 0 || (pin && !vehicleIndex.has(pin.vehicleId)))
          unrouted.push({ stopId: stop.id, reason: 'no-vehicle' });
        else if (stop.window && stop.window.end < stop.window.start)
          unrouted.push({ stopId: stop.id, reason: 'time-window' });
        else routable.push(stop);
      }
      if (routable.length === 0) return { routes: [], unrouted, optimiser: 'vroom' };

      const sub = { vehicles: problem.vehicles, stops: routable };
      const offset = 2 * problem.vehicles.length;
      const matrix = roundedMatrix(await matrixOf(matrixPlaces(sub)));
      const solution = await solve({
        vehicles: problem.vehicles.map((vehicle, index) => ({
          id: index,
          profile: 'car',
          start_index: 2 * index,
          end_index: 2 * index + 1,
          capacity: [vehicle.capacity],
          time_window: [clockSeconds(vehicle.workStart), clockSeconds(vehicle.workEnd)],
          // Skill `index + 1` is this vehicle's own: a stop pinned to it asks for it.
          skills: [index + 1],
        })),
        jobs: routable.map((stop, index) => {
          const pin = pins.get(stop.id);
          return {
            id: index + 1,
            location_index: offset + index,
            delivery: [basketsAt(stop)],
            service: stop.serviceSeconds,
            ...(pin ? { skills: [(vehicleIndex.get(pin.vehicleId) as number) + 1] } : {}),
            ...(stop.window
              ? { time_windows: [[stop.window.start, stop.window.end] as [number, number]] }
              : {}),
          };
        }),
        matrices: { car: matrix },
      });

      const routes: VehicleRoute[] = [];
      const loads = new Map<number, number>();
      for (const route of [...solution.routes].sort((a, b) => a.vehicle - b.vehicle)) {
        const vehicle = problem.vehicles[route.vehicle] as Vehicle;
        const planned = routeOf(vehicle, route, routable, matrix, offset);
        const order = pinnedOrder(
          planned.stops.map((stop) => stop.stopId),
          problem.pins.filter((pin) => pin.vehicleId === vehicle.id),
        );
        const kept = order.every((stopId, index) => planned.stops[index]?.stopId === stopId);
        const final = kept ? planned : timeRoute(sub, matrix, vehicle.id, order);
        loads.set(route.vehicle, final.baskets);
        routes.push(final);
      }
      for (const { id } of solution.unassigned) {
        const stop = routable[id - 1] as RoundStop;
        unrouted.push({ stopId: stop.id, reason: whyUnassigned(stop, id - 1, sub, pins, matrix, loads) });
      }
      const order = new Map(problem.stops.map((stop, index) => [stop.id, index]));
      unrouted.sort((a, b) => (order.get(a.stopId) ?? 0) - (order.get(b.stopId) ?? 0));
      return { routes, unrouted, optimiser: 'vroom' };
    },
  };
}

/** VROOM takes whole, non-negative numbers. */
function roundedMatrix(matrix: TravelMatrix): TravelMatrix {
  const whole = (rows: number[][]) => rows.map((row) => row.map((value) => Math.max(0, Math.round(value))));
  return { durations: whole(matrix.durations), distances: whole(matrix.distances) };
}

/** One of VROOM's routes in our terms: a stop's arrival is when its service starts (after any wait). */
function routeOf(
  vehicle: Vehicle,
  route: VroomSolution['routes'][number],
  routable: readonly RoundStop[],
  matrix: TravelMatrix,
  offset: number,
): VehicleRoute {
  const stops: PlannedStop[] = [];
  let place = 2 * route.vehicle;
  let distance = 0;
  let service = 0;
  let baskets = 0;
  for (const step of route.steps) {
    if (step.type !== 'job' || step.id === undefined) continue;
    const index = step.id - 1;
    const stop = routable[index] as RoundStop;
    const to = offset + index;
    const leg = matrix.distances[place]?.[to] ?? 0;
    const arrival = step.arrival + step.waiting_time;
    stops.push({ stopId: stop.id, arrival, departure: arrival + step.service, distance: leg });
    distance += leg;
    service += step.service;
    baskets += basketsAt(stop);
    place = to;
  }
  distance += matrix.distances[place]?.[2 * route.vehicle + 1] ?? 0;
  const start = route.steps.find((step) => step.type === 'start')?.arrival ?? clockSeconds(vehicle.workStart);
  const end = route.steps.find((step) => step.type === 'end')?.arrival ?? start + route.duration + service;
  return { vehicleId: vehicle.id, stops, start, end, distance, driving: route.duration, baskets };
}

/** The route's stops with those pinned first (in pin order) at its head and those pinned last at its tail. */
function pinnedOrder(stopIds: readonly string[], pins: readonly StopPin[]): string[] {
  const onRoute = new Set(stopIds);
  const first = pins
    .filter((pin) => pin.position === 'first' && onRoute.has(pin.stopId))
    .map((pin) => pin.stopId);
  const last = pins
    .filter((pin) => pin.position === 'last' && onRoute.has(pin.stopId))
    .map((pin) => pin.stopId);
  const placed = new Set([...first, ...last]);
  return [...first, ...stopIds.filter((stopId) => !placed.has(stopId)), ...last];
}

/**
 * VROOM does not say why it left a job out: the likeliest reason, for staff. Too many baskets
 * for any vehicle it may go on (or for what they have left), a window no vehicle can reach in
 * its driver's hours, or else the day is full (`other`).
 */
function whyUnassigned(
  stop: RoundStop,
  index: number,
  problem: Pick<RoundProblem, 'vehicles' | 'stops'>,
  pins: ReadonlyMap<string, StopPin>,
  matrix: TravelMatrix,
  loads: ReadonlyMap<number, number>,
): Unrouted['reason'] {
  const pin = pins.get(stop.id);
  const allowed = problem.vehicles
    .map((vehicle, vehicleIndex) => ({ vehicle, vehicleIndex }))
    .filter(({ vehicle }) => !pin || vehicle.id === pin.vehicleId);
  const baskets = basketsAt(stop);
  if (allowed.every(({ vehicle }) => vehicle.capacity < baskets)) return 'capacity';
  const place = 2 * problem.vehicles.length + index;
  const reachable = allowed.filter(({ vehicle, vehicleIndex }) => {
    const there = clockSeconds(vehicle.workStart) + (matrix.durations[2 * vehicleIndex]?.[place] ?? 0);
    const begins = Math.max(there, stop.window?.start ?? there);
    const back = begins + stop.serviceSeconds + (matrix.durations[place]?.[2 * vehicleIndex + 1] ?? 0);
    return (!stop.window || begins <= stop.window.end) && back <= clockSeconds(vehicle.workEnd);
  });
  if (reachable.length === 0) return 'time-window';
  if (
    reachable.every(
      ({ vehicle, vehicleIndex }) => (loads.get(vehicleIndex) ?? 0) + baskets > vehicle.capacity,
    )
  )
    return 'capacity';
  return 'other';
}

import { clockSeconds, type Vehicle } from './fleet.ts';
import type { PlannedStop, RoundProblem, TravelMatrix, VehicleRoute } from './plan.ts';
import { basketSizes } from '../subscription.ts';
import type { RoundStop } from './stops.ts';

export function basketsAt(stop: Pick<RoundStop, 'baskets'>): number {
  return basketSizes.reduce((sum, size) => sum + stop.baskets[size], 0);
}

/**
 * Drives a vehicle through stops in the given order: leaves at the start of the driver's
 * hours, waits at a stop whose window is not open yet, and flags a stop reached after its
 * window closed. The times of a route kept in a chosen order (pins, entry order, a stop added
 * after approval), worked out the way the optimiser works them out.
 */
export function timeRoute(
  problem: Pick<RoundProblem, 'vehicles' | 'stops'>,
  matrix: TravelMatrix,
  vehicleId: string,
  stopIds: readonly string[],
): VehicleRoute {
  const vehicleIndex = problem.vehicles.findIndex((vehicle) => vehicle.id === vehicleId);
  const vehicle = problem.vehicles[vehicleIndex] as Vehicle;
  if (vehicleIndex < 0) throw new Error(`Unknown vehicle ${vehicleId}`);
  const stopIndex = new Map(problem.stops.map((stop, index) => [stop.id, index]));
  const offset = 2 * problem.vehicles.length;
  let place = 2 * vehicleIndex;
  let clock = clockSeconds(vehicle.workStart);
  const start = clock;
  let distance = 0;
  let driving = 0;
  let baskets = 0;
  const stops: PlannedStop[] = [];
  for (const stopId of stopIds) {
    const index = stopIndex.get(stopId);
    if (index === undefined) throw new Error(`Unknown stop ${stopId}`);
    const stop = problem.stops[index] as RoundStop;
    const to = offset + index;
    const legDistance = matrix.distances[place]?.[to] ?? 0;
    const legDuration = matrix.durations[place]?.[to] ?? 0;
    distance += legDistance;
    driving += legDuration;
    clock += legDuration;
    if (stop.window && clock < stop.window.start) clock = stop.window.start;
    const planned: PlannedStop = {
      stopId,
      arrival: clock,
      departure: clock + stop.serviceSeconds,
      distance: legDistance,
    };
    if (stop.window && clock > stop.window.end) {
      const byMinutes = Math.ceil((clock - stop.window.end) / 60);
      planned.late = { byMinutes, reason: 'window-closed' };
    }
    stops.push(planned);
    clock = planned.departure;
    baskets += basketsAt(stop);
    place = to;
  }
  const back = 2 * vehicleIndex + 1;
  const lastLeg = matrix.distances[place]?.[back] ?? 0;
  distance += lastLeg;
  driving += matrix.durations[place]?.[back] ?? 0;
  clock += matrix.durations[place]?.[back] ?? 0;
  return { vehicleId, stops, start, end: clock, distance, driving, baskets };
}

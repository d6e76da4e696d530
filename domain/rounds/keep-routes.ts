import { straightLineMatrix } from './distance.ts';
import { matrixPlaces, type RoundProblem, type RoundSolution, type Unrouted } from './plan.ts';
import { basketsAt, timeRoute } from './timing.ts';

/**
 * The routes drivers already have, changed as little as possible: stops no longer there are
 * taken off, new ones go at the end of the route with the most room left (none: unrouted for
 * lack of capacity), and the times are worked out again. For gardens that do not re-optimise
 * after approval, so that a driver's order stays the one they were sent.
 */
export function keepRoutes(problem: RoundProblem, previous: RoundSolution): RoundSolution {
  const matrix = straightLineMatrix(matrixPlaces(problem));
  const stops = new Map(problem.stops.map((stop) => [stop.id, stop]));
  const placed = new Set<string>();
  const orders = problem.vehicles.map((vehicle) => {
    const route = previous.routes.find((candidate) => candidate.vehicleId === vehicle.id);
    const kept = (route?.stops ?? [])
      .map((stop) => stop.stopId)
      .filter((id) => stops.has(id) && !placed.has(id));
    for (const id of kept) placed.add(id);
    return {
      vehicle,
      order: kept,
      load: kept.reduce(
        (sum, id) => sum + basketsAt(stops.get(id) ?? { baskets: { small: 0, medium: 0, large: 0 } }),
        0,
      ),
    };
  });
  const unrouted: Unrouted[] = [];
  for (const stop of problem.stops) {
    if (placed.has(stop.id)) continue;
    const pinned = problem.pins.find((pin) => pin.stopId === stop.id);
    const candidates = orders
      .filter((entry) => (pinned ? entry.vehicle.id === pinned.vehicleId : true))
      .filter((entry) => entry.load + basketsAt(stop) <= entry.vehicle.capacity)
      .sort((a, b) => b.vehicle.capacity - b.load - (a.vehicle.capacity - a.load));
    const chosen = candidates[0];
    if (!chosen) {
      unrouted.push({ stopId: stop.id, reason: 'capacity' });
      continue;
    }
    if (pinned?.position === 'first') chosen.order.unshift(stop.id);
    else chosen.order.push(stop.id);
    chosen.load += basketsAt(stop);
    placed.add(stop.id);
  }
  return {
    routes: orders.map((entry) => timeRoute(problem, matrix, entry.vehicle.id, entry.order)),
    unrouted,
    optimiser: previous.optimiser,
    ...(previous.fallbackReason ? { fallbackReason: previous.fallbackReason } : {}),
  };
}

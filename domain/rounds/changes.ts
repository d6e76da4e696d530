import type { RoundSolution } from './plan.ts';
import type { PlanChanges } from './round.ts';

/** Each routed stop and the vehicle that takes it (the first, should a stop be routed twice). */
function vehicleOfStops(solution: RoundSolution): Map<string, string> {
  const vehicles = new Map<string, string>();
  for (const route of solution.routes) {
    for (const stop of route.stops)
      if (!vehicles.has(stop.stopId)) vehicles.set(stop.stopId, route.vehicleId);
  }
  return vehicles;
}

/**
 * What a new plan changes for staff and drivers, over the routed stops: `added` are routed now
 * and were not (a new subscription, a stop placed on the map), `removed` were routed and are not
 * (an absence, a stop that no longer fits), `moved` are on another vehicle. A stop that only
 * changes place in its vehicle's order is not listed: the optimiser reorders freely. With no
 * previous plan nothing changed (the first plan is not news). Ids are sorted.
 */
export function planChanges(previous: RoundSolution | undefined, next: RoundSolution): PlanChanges {
  if (!previous) return { added: [], removed: [], moved: [] };
  const before = vehicleOfStops(previous);
  const after = vehicleOfStops(next);
  const added: string[] = [];
  const moved: string[] = [];
  for (const [stopId, vehicleId] of after) {
    const was = before.get(stopId);
    if (was === undefined) added.push(stopId);
    else if (was !== vehicleId) moved.push(stopId);
  }
  const removed = [...before.keys()].filter((stopId) => !after.has(stopId));
  const sorted = (ids: string[]) => ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { added: sorted(added), removed: sorted(removed), moved: sorted(moved) };
}

/** Whether a plan changed anything (staff are told only then). */
export function hasChanges(changes: PlanChanges): boolean {
  return changes.added.length + changes.removed.length + changes.moved.length > 0;
}

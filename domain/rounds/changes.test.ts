import { describe, expect, it } from 'vitest';
import { hasChanges, planChanges } from './changes.ts';
import type { RoundSolution, VehicleRoute } from './plan.ts';

function route(vehicleId: string, stopIds: string[]): VehicleRoute {
  return {
    vehicleId,
    stops: stopIds.map((stopId, index) => ({
      stopId,
      arrival: 3600 * (8 + index),
      departure: 3600 * (8 + index) + 300,
      distance: 1000,
    })),
    start: 8 * 3600,
    end: 18 * 3600,
    distance: 1000 * stopIds.length,
    driving: 600 * stopIds.length,
    baskets: stopIds.length,
  };
}

function solution(routes: Record<string, string[]>, unrouted: string[] = []): RoundSolution {
  return {
    routes: Object.entries(routes).map(([vehicleId, stopIds]) => route(vehicleId, stopIds)),
    unrouted: unrouted.map((stopId) => ({ stopId, reason: 'capacity' })),
    optimiser: 'vroom',
  };
}

describe('planChanges', () => {
  it('lists nothing for a first plan', () => {
    const changes = planChanges(undefined, solution({ van: ['depot.a', 'home.s1'] }));
    expect(changes).toEqual({ added: [], removed: [], moved: [] });
    expect(hasChanges(changes)).toBe(false);
  });

  it('lists nothing when the same stops stay on the same vehicles, whatever their order', () => {
    const previous = solution({ van: ['depot.a', 'home.s1'], truck: ['home.s2'] });
    const next = solution({ truck: ['home.s2'], van: ['home.s1', 'depot.a'] });
    expect(hasChanges(planChanges(previous, next))).toBe(false);
  });

  it('lists stops added, removed and moved to another vehicle, sorted', () => {
    const previous = solution({ van: ['home.s3', 'depot.a', 'home.s1'], truck: ['home.s2', 'home.s9'] });
    const next = solution({ van: ['depot.a', 'home.s2'], truck: ['home.s7', 'home.s9', 'home.s4'] }, [
      'home.s1',
    ]);
    expect(planChanges(previous, next)).toEqual({
      added: ['home.s4', 'home.s7'],
      // Unrouted now (too full): off the routes, so removed for the drivers.
      removed: ['home.s1', 'home.s3'],
      moved: ['home.s2'],
    });
  });

  it('counts a stop that comes back from unrouted as added', () => {
    const previous = solution({ van: ['depot.a'] }, ['home.s1']);
    const next = solution({ van: ['depot.a', 'home.s1'] });
    expect(planChanges(previous, next)).toEqual({ added: ['home.s1'], removed: [], moved: [] });
  });

  it('lists a vehicle taken out of the plan as its stops removed, or moved when another takes them', () => {
    const previous = solution({ van: ['home.s1', 'home.s2'], truck: ['depot.a'] });
    const next = solution({ truck: ['depot.a', 'home.s2'] }, ['home.s1']);
    expect(planChanges(previous, next)).toEqual({ added: [], removed: ['home.s1'], moved: ['home.s2'] });
  });
});

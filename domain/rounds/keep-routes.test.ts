import { describe, expect, it } from 'vitest';
import type { Vehicle } from './fleet.ts';
import { keepRoutes } from './keep-routes.ts';
import type { RoundProblem, RoundSolution } from './plan.ts';
import type { RoundStop } from './stops.ts';

const vehicle = (id: string, capacity: number): Vehicle => ({
  id,
  name: id,
  driverName: id,
  capacity,
  start: { lat: 47.25, lng: 6.03 },
  workStart: '14:00',
  workEnd: '20:00',
});
const stop = (id: string, baskets: number, lng: number): RoundStop => ({
  id,
  kind: 'home',
  depotId: 'd-home',
  name: id,
  location: { lat: 47.24, lng },
  baskets: { small: baskets, medium: 0, large: 0 },
  serviceSeconds: 180,
});

describe('keepRoutes', () => {
  const previous: RoundSolution = {
    routes: [
      {
        vehicleId: 'v-a',
        stops: ['home.a', 'home.b'].map((stopId) => ({ stopId, arrival: 0, departure: 0, distance: 0 })),
        start: 0,
        end: 0,
        distance: 0,
        driving: 0,
        baskets: 2,
      },
      {
        vehicleId: 'v-b',
        stops: ['home.c'].map((stopId) => ({ stopId, arrival: 0, departure: 0, distance: 0 })),
        start: 0,
        end: 0,
        distance: 0,
        driving: 0,
        baskets: 1,
      },
    ],
    unrouted: [],
    optimiser: 'vroom',
  };

  it('keeps the order drivers have, drops stops gone and adds new ones where there is room', () => {
    const problem: RoundProblem = {
      gardenId: 'g',
      date: '2026-12-08',
      vehicles: [vehicle('v-a', 3), vehicle('v-b', 4)],
      stops: [stop('home.a', 1, 6.01), stop('home.c', 1, 6.02), stop('home.d', 2, 6.04)],
      pins: [],
    };
    const kept = keepRoutes(problem, previous);
    expect(kept.routes.map((route) => route.stops.map((planned) => planned.stopId))).toEqual([
      ['home.a'],
      ['home.c', 'home.d'],
    ]);
    expect(kept.routes[1]?.stops[1]?.arrival).toBeGreaterThan(kept.routes[1]?.stops[0]?.arrival ?? 0);
    expect(kept.unrouted).toEqual([]);
  });

  it('leaves a new stop unrouted when no vehicle has room for it', () => {
    const problem: RoundProblem = {
      gardenId: 'g',
      date: '2026-12-08',
      vehicles: [vehicle('v-a', 2), vehicle('v-b', 1)],
      stops: [
        stop('home.a', 1, 6.01),
        stop('home.b', 1, 6.015),
        stop('home.c', 1, 6.02),
        stop('home.d', 2, 6.04),
      ],
      pins: [],
    };
    expect(keepRoutes(problem, previous).unrouted).toEqual([{ stopId: 'home.d', reason: 'capacity' }]);
  });
});

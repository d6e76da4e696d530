import { describe, expect, it } from 'vitest';
import { straightLineMatrix } from './distance.ts';
import { checkRoundSolution, type ViolationKind } from './feasibility.ts';
import type { Vehicle } from './fleet.ts';
import {
  matrixPlaces,
  type RoundProblem,
  type RoundSolution,
  type StopPin,
  type VehicleRoute,
} from './plan.ts';
import type { RoundStop } from './stops.ts';
import { basketsAt, timeRoute } from './timing.ts';
import { seededRandom as random } from '../../tests/support/seeded-random.ts';

function vehicle(id: string, overrides: Partial<Vehicle> = {}): Vehicle {
  return {
    id,
    name: `Camion ${id}`,
    driverName: `Chauffeur ${id}`,
    capacity: 10,
    start: { lat: 47.24, lng: 6.02 },
    workStart: '08:00',
    workEnd: '18:00',
    ...overrides,
  };
}

function stop(id: string, overrides: Partial<RoundStop> = {}): RoundStop {
  return {
    id,
    kind: 'home',
    depotId: 'home',
    name: `Arrêt ${id}`,
    location: { lat: 47.25, lng: 6.03 },
    baskets: { small: 1, medium: 1, large: 0 },
    serviceSeconds: 180,
    ...overrides,
  };
}

function route(vehicleId: string, stopIds: string[], arrivals: number[] = []): VehicleRoute {
  return {
    vehicleId,
    stops: stopIds.map((stopId, index) => {
      const arrival = arrivals[index] ?? 9 * 3600 + index * 600;
      return { stopId, arrival, departure: arrival + 180, distance: 1000 };
    }),
    start: 8 * 3600,
    end: 12 * 3600,
    distance: 1000 * stopIds.length,
    driving: 120 * stopIds.length,
    baskets: 2 * stopIds.length,
  };
}

const vehicles = [vehicle('a'), vehicle('b')];
const problem = (stops: RoundStop[], pins: StopPin[] = []) => ({ stops, pins });
const solution = (routes: VehicleRoute[], unrouted: string[] = []): RoundSolution => ({
  routes,
  unrouted: unrouted.map((stopId) => ({ stopId, reason: 'capacity' })),
  optimiser: 'vroom',
});
const kinds = (violations: Array<{ kind: ViolationKind }>) => violations.map((violation) => violation.kind);

describe('checkRoundSolution', () => {
  const stops = [stop('s1'), stop('s2'), stop('s3')];

  it('finds nothing wrong in a feasible plan', () => {
    expect(
      checkRoundSolution(problem(stops), solution([route('a', ['s1', 's2'])], ['s3']), vehicles),
    ).toEqual([]);
  });

  it('finds a stop routed twice, on two vehicles or on one', () => {
    const twice = checkRoundSolution(
      problem(stops),
      solution([route('a', ['s1', 's2']), route('b', ['s3', 's1'])]),
      vehicles,
    );
    expect(twice).toEqual([
      {
        kind: 'routed-twice',
        stopId: 's1',
        vehicleId: 'b',
        message: {
          fr: 'L’arrêt « Arrêt s1 » est deux fois dans les tournées (Camion a, Camion b).',
          en: 'Stop "Arrêt s1" is twice in the routes (Camion a, Camion b).',
        },
      },
    ]);
    expect(
      kinds(checkRoundSolution(problem(stops), solution([route('a', ['s1', 's2', 's3', 's2'])]), vehicles)),
    ).toEqual(['routed-twice']);
  });

  it('finds a stop both routed and left out', () => {
    const found = checkRoundSolution(
      problem(stops),
      solution([route('a', ['s1', 's2', 's3'])], ['s2']),
      vehicles,
    );
    expect(kinds(found)).toEqual(['routed-and-unrouted']);
    expect(found[0]?.stopId).toBe('s2');
  });

  it('finds a stop neither routed nor left out', () => {
    const found = checkRoundSolution(problem(stops), solution([route('a', ['s1'])], ['s3']), vehicles);
    expect(found).toEqual([
      {
        kind: 'unaccounted',
        stopId: 's2',
        message: {
          fr: 'L’arrêt « Arrêt s2 » n’est dans aucune tournée ni parmi les arrêts non placés : ses paniers seraient oubliés.',
          en: 'Stop "Arrêt s2" is on no route and not among the stops left out: its baskets would be forgotten.',
        },
      },
    ]);
  });

  it('finds a routed stop that is not in the problem, and a route of a vehicle the garden does not have', () => {
    const found = checkRoundSolution(
      problem(stops),
      solution([route('a', ['s1', 's2', 's3', 'home.ghost']), route('z', [])]),
      vehicles,
    );
    expect(found.map(({ kind, stopId, vehicleId }) => ({ kind, stopId, vehicleId }))).toEqual([
      { kind: 'unknown-stop', stopId: 'home.ghost', vehicleId: 'a' },
      { kind: 'unknown-vehicle', stopId: undefined, vehicleId: 'z' },
    ]);
  });

  it('finds a vehicle over capacity, counting every size of basket', () => {
    const heavy = [
      stop('s1', { baskets: { small: 3, medium: 2, large: 1 } }),
      stop('s2', { baskets: { small: 0, medium: 0, large: 5 } }),
    ];
    expect(basketsAt(heavy[0] as RoundStop) + basketsAt(heavy[1] as RoundStop)).toBe(11);
    const found = checkRoundSolution(problem(heavy), solution([route('a', ['s1', 's2'])]), vehicles);
    expect(found).toEqual([
      {
        kind: 'over-capacity',
        vehicleId: 'a',
        message: {
          fr: 'Camion a emporterait 11 paniers pour 10 places.',
          en: 'Camion a would carry 11 baskets for 10 places.',
        },
      },
    ]);
    // At capacity is fine; two routes of one vehicle add up.
    expect(checkRoundSolution(problem(heavy), solution([route('a', ['s1'])], ['s2']), vehicles)).toEqual([]);
    expect(
      kinds(checkRoundSolution(problem(heavy), solution([route('a', ['s1']), route('a', ['s2'])]), vehicles)),
    ).toEqual(['over-capacity']);
  });

  it('finds a stop reached after its window without a late flag', () => {
    const windowed = [stop('s1', { window: { start: 9 * 3600, end: 10 * 3600 } })];
    const atClosing = route('a', ['s1'], [10 * 3600]);
    expect(checkRoundSolution(problem(windowed), solution([atClosing]), vehicles)).toEqual([]);
    const after = route('a', ['s1'], [10 * 3600 + 61]);
    const found = checkRoundSolution(problem(windowed), solution([after]), vehicles);
    expect(found).toEqual([
      {
        kind: 'late-unflagged',
        stopId: 's1',
        vehicleId: 'a',
        message: {
          fr: 'Camion a arrive à « Arrêt s1 » à 10:01, 2 min après son créneau (jusqu’à 10:00), sans que le retard soit signalé.',
          en: 'Camion a reaches "Arrêt s1" at 10:01, 2 min after its window (until 10:00), and the delay is not flagged.',
        },
      },
    ]);
    const flagged: VehicleRoute = {
      ...after,
      stops: after.stops.map((planned) => ({ ...planned, late: { byMinutes: 2, reason: 'window-closed' } })),
    };
    expect(checkRoundSolution(problem(windowed), solution([flagged]), vehicles)).toEqual([]);
  });

  it('finds a pinned stop on another vehicle', () => {
    const found = checkRoundSolution(
      problem(stops, [{ stopId: 's2', vehicleId: 'b' }]),
      solution([route('a', ['s1', 's2', 's3'])]),
      vehicles,
    );
    expect(found).toEqual([
      {
        kind: 'pin-vehicle',
        stopId: 's2',
        vehicleId: 'a',
        message: {
          fr: 'L’arrêt « Arrêt s2 », attribué à Camion b, est dans la tournée de Camion a.',
          en: 'Stop "Arrêt s2", pinned to Camion b, is on Camion a\'s route.',
        },
      },
    ]);
    // A pinned stop left out (too full) breaks no pin: it is reported as unrouted.
    expect(
      checkRoundSolution(
        problem(stops, [{ stopId: 's2', vehicleId: 'b' }]),
        solution([route('a', ['s1', 's3'])], ['s2']),
        vehicles,
      ),
    ).toEqual([]);
  });

  it('finds a stop pinned first or last elsewhere in its route', () => {
    const pins: StopPin[] = [
      { stopId: 's1', vehicleId: 'a', position: 'first' },
      { stopId: 's3', vehicleId: 'a', position: 'last' },
    ];
    expect(
      checkRoundSolution(problem(stops, pins), solution([route('a', ['s1', 's2', 's3'])]), vehicles),
    ).toEqual([]);
    const found = checkRoundSolution(
      problem(stops, pins),
      solution([route('a', ['s2', 's1', 's3'])]),
      vehicles,
    );
    expect(found.map(({ kind, stopId, message }) => ({ kind, stopId, fr: message.fr }))).toEqual([
      {
        kind: 'pin-position',
        stopId: 's1',
        fr: 'L’arrêt « Arrêt s1 » doit être le premier de la tournée de Camion a ; il est en position 2.',
      },
    ]);
    const last = checkRoundSolution(
      problem(stops, pins),
      solution([route('a', ['s1', 's3', 's2'])]),
      vehicles,
    );
    expect(last.map(({ kind, stopId, message }) => ({ kind, stopId, en: message.en }))).toEqual([
      {
        kind: 'pin-position',
        stopId: 's3',
        en: 'Stop "Arrêt s3" must come last on Camion a\'s route; it is at position 2 of 3.',
      },
    ]);
  });

  it('lets several stops pinned first share the first places, in any order', () => {
    const pins: StopPin[] = [
      { stopId: 's1', vehicleId: 'a', position: 'first' },
      { stopId: 's2', vehicleId: 'a', position: 'first' },
    ];
    expect(
      checkRoundSolution(problem(stops, pins), solution([route('a', ['s2', 's1', 's3'])]), vehicles),
    ).toEqual([]);
    expect(
      kinds(checkRoundSolution(problem(stops, pins), solution([route('a', ['s2', 's3', 's1'])]), vehicles)),
    ).toEqual(['pin-position']);
  });
});

// ---- Property: plans made in entry order with timeRoute are feasible; each fault is found ----

function randomProblem(seed: number): RoundProblem {
  const next = random(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const near = () => ({ lat: 47.1 + next() * 0.3, lng: 5.8 + next() * 0.5 });
  const fleet = Array.from({ length: int(1, 4) }, (_, index) =>
    vehicle(`v${index}`, { capacity: int(3, 30), start: near(), ...(next() < 0.5 ? { end: near() } : {}) }),
  );
  const stops = Array.from({ length: int(0, 25) }, (_, index) => {
    const opens = int(8, 16) * 3600;
    return stop(`s${index}`, {
      kind: next() < 0.2 ? 'depot' : 'home',
      location: near(),
      baskets: { small: int(0, 3), medium: int(0, 2), large: int(0, 1) },
      serviceSeconds: int(0, 900),
      ...(next() < 0.7 ? { window: { start: opens, end: opens + int(0, 3) * 3600 } } : {}),
    });
  });
  const pins: StopPin[] = [];
  for (const pinned of stops) {
    if (next() >= 0.15) continue;
    const position = next();
    pins.push({
      stopId: pinned.id,
      vehicleId: fleet[int(0, fleet.length - 1)]?.id ?? 'v0',
      ...(position < 0.3
        ? { position: 'first' as const }
        : position < 0.6
          ? { position: 'last' as const }
          : {}),
    });
  }
  return { gardenId: 'g', date: '2026-06-11', vehicles: fleet, stops, pins };
}

/** The simplest optimiser: stops in entry order, each on the first vehicle with room (its pinned one if pinned). */
function entryOrderSolution(problem: RoundProblem): RoundSolution {
  const matrix = straightLineMatrix(matrixPlaces(problem));
  const pins = new Map(problem.pins.map((pin) => [pin.stopId, pin]));
  const plan = new Map(
    problem.vehicles.map((fleetVehicle) => [
      fleetVehicle.id,
      { load: 0, first: [] as string[], middle: [] as string[], last: [] as string[] },
    ]),
  );
  const unrouted: RoundSolution['unrouted'] = [];
  for (const entered of problem.stops) {
    const pin = pins.get(entered.id);
    const candidates = pin ? [pin.vehicleId] : problem.vehicles.map((fleetVehicle) => fleetVehicle.id);
    const chosen = candidates.find((vehicleId) => {
      const capacity = problem.vehicles.find((fleetVehicle) => fleetVehicle.id === vehicleId)?.capacity ?? 0;
      return (plan.get(vehicleId)?.load ?? 0) + basketsAt(entered) <= capacity;
    });
    const lists = chosen === undefined ? undefined : plan.get(chosen);
    if (!lists) {
      unrouted.push({ stopId: entered.id, reason: 'capacity' });
      continue;
    }
    lists.load += basketsAt(entered);
    lists[pin?.position ?? 'middle'].push(entered.id);
  }
  const routes = problem.vehicles.map((fleetVehicle) => {
    const lists = plan.get(fleetVehicle.id);
    return timeRoute(
      problem,
      matrix,
      fleetVehicle.id,
      lists ? [...lists.first, ...lists.middle, ...lists.last] : [],
    );
  });
  return { routes, unrouted, optimiser: 'entry-order' };
}

describe('checkRoundSolution over random problems planned in entry order', () => {
  const seeds = Array.from({ length: 300 }, (_, index) => 1000 + index);

  it('finds every such plan feasible', () => {
    let routed = 0;
    let late = 0;
    for (const seed of seeds) {
      const randomised = randomProblem(seed);
      const planned = entryOrderSolution(randomised);
      expect({ seed, violations: checkRoundSolution(randomised, planned, randomised.vehicles) }).toEqual({
        seed,
        violations: [],
      });
      for (const plannedRoute of planned.routes) {
        routed += plannedRoute.stops.length;
        late += plannedRoute.stops.filter((plannedStop) => plannedStop.late).length;
      }
    }
    // The generator reaches what is checked: many stops routed, some late, some left out.
    expect(routed).toBeGreaterThan(1000);
    expect(late).toBeGreaterThan(50);
  });

  it('finds the fault each change to such a plan brings', () => {
    const found = new Set<ViolationKind>();
    for (const seed of seeds) {
      const randomised = randomProblem(seed);
      const planned = entryOrderSolution(randomised);
      const busy = planned.routes.find((plannedRoute) => plannedRoute.stops.length >= 2);
      if (!busy) continue;
      const firstStop = busy.stops[0] as VehicleRoute['stops'][number];
      const withRoute = (changed: VehicleRoute): RoundSolution => ({
        ...planned,
        routes: planned.routes.map((plannedRoute) => (plannedRoute === busy ? changed : plannedRoute)),
      });
      const expectFault = (changed: RoundSolution, kind: ViolationKind, fleet = randomised.vehicles) => {
        expect({ seed, kinds: kinds(checkRoundSolution(randomised, changed, fleet)) }).toEqual({
          seed,
          kinds: expect.arrayContaining([kind]),
        });
        found.add(kind);
      };
      expectFault(withRoute({ ...busy, stops: [...busy.stops, firstStop] }), 'routed-twice');
      expectFault(withRoute({ ...busy, stops: busy.stops.slice(1) }), 'unaccounted');
      expectFault(
        { ...planned, unrouted: [...planned.unrouted, { stopId: firstStop.stopId, reason: 'other' }] },
        'routed-and-unrouted',
      );
      expectFault(
        withRoute({ ...busy, stops: [...busy.stops, { ...firstStop, stopId: 'home.ghost' }] }),
        'unknown-stop',
      );
      const load = busy.stops.reduce(
        (sum, { stopId }) => sum + basketsAt(randomised.stops.find((s) => s.id === stopId) as RoundStop),
        0,
      );
      if (load > 0) {
        const smaller = randomised.vehicles.map((fleetVehicle) =>
          fleetVehicle.id === busy.vehicleId ? { ...fleetVehicle, capacity: load - 1 } : fleetVehicle,
        );
        expectFault(planned, 'over-capacity', smaller);
      }
      const lateStop = busy.stops.find((plannedStop) => plannedStop.late);
      if (lateStop) {
        const { late: _late, ...unflagged } = lateStop;
        expectFault(
          withRoute({
            ...busy,
            stops: busy.stops.map((plannedStop) => (plannedStop === lateStop ? unflagged : plannedStop)),
          }),
          'late-unflagged',
        );
      }
      const pinnedFirst = randomised.pins.find(
        (pin) =>
          pin.vehicleId === busy.vehicleId &&
          pin.position === 'first' &&
          busy.stops.at(-1)?.stopId !== pin.stopId &&
          busy.stops.some((s) => s.stopId === pin.stopId),
      );
      if (
        pinnedFirst &&
        busy.stops.length >
          randomised.pins.filter((pin) => pin.vehicleId === busy.vehicleId && pin.position === 'first').length
      ) {
        const moved = busy.stops.filter((s) => s.stopId !== pinnedFirst.stopId);
        const pinnedStop = busy.stops.find(
          (s) => s.stopId === pinnedFirst.stopId,
        ) as VehicleRoute['stops'][number];
        expectFault(withRoute({ ...busy, stops: [...moved, pinnedStop] }), 'pin-position');
      }
      const pinned = randomised.pins.find((pin) => busy.stops.some((s) => s.stopId === pin.stopId));
      const other = planned.routes.find((plannedRoute) => plannedRoute.vehicleId !== pinned?.vehicleId);
      if (pinned && other && other !== busy) {
        const pinnedStop = busy.stops.find(
          (s) => s.stopId === pinned.stopId,
        ) as VehicleRoute['stops'][number];
        expectFault(
          {
            ...planned,
            routes: planned.routes.map((plannedRoute) =>
              plannedRoute === busy
                ? { ...busy, stops: busy.stops.filter((s) => s !== pinnedStop) }
                : plannedRoute === other
                  ? { ...other, stops: [...other.stops, pinnedStop] }
                  : plannedRoute,
            ),
          },
          'pin-vehicle',
        );
      }
    }
    expect([...found].sort()).toEqual([
      'late-unflagged',
      'over-capacity',
      'pin-position',
      'pin-vehicle',
      'routed-and-unrouted',
      'routed-twice',
      'unaccounted',
      'unknown-stop',
    ]);
  });
});

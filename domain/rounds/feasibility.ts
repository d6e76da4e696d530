import type { Localized } from '../locale.ts';
import { clockOf, type Vehicle } from './fleet.ts';
import type { RoundProblem, RoundSolution } from './plan.ts';
import type { RoundStop } from './stops.ts';
import { basketsAt } from './timing.ts';

/**
 * What makes a plan wrong, whichever optimiser made it (VROOM, Circuit, entry order): every
 * basket is assigned once, no vehicle carries more than it can, every stop is reached within its
 * window or flagged late, and staff's pins hold. The workflow checks a plan before staff see it.
 */
export const violationKinds = [
  /** A stop on two routes, or twice on one. */
  'routed-twice',
  /** A stop both routed and listed as not routed. */
  'routed-and-unrouted',
  /** A stop of the problem neither routed nor listed as not routed: its baskets would be lost. */
  'unaccounted',
  /** A routed stop the problem does not have. */
  'unknown-stop',
  /** A route for a vehicle the garden does not have. */
  'unknown-vehicle',
  'over-capacity',
  /** Reached after its window closed, and not flagged late. */
  'late-unflagged',
  /** A pinned stop on another vehicle than its pin's. */
  'pin-vehicle',
  /** A stop pinned first (or last) that is not at the start (or end) of its route. */
  'pin-position',
] as const;
export type ViolationKind = (typeof violationKinds)[number];

export interface RoundViolation {
  kind: ViolationKind;
  stopId?: string;
  vehicleId?: string;
  message: Localized;
}

type FleetVehicle = Pick<Vehicle, 'id' | 'name' | 'capacity'>;

/** The plan's violations, one per fault found, each in French and English; none when the plan is feasible. */
export function checkRoundSolution(
  problem: Pick<RoundProblem, 'stops' | 'pins'>,
  solution: Pick<RoundSolution, 'routes' | 'unrouted'>,
  vehicles: readonly FleetVehicle[],
): RoundViolation[] {
  const violations: RoundViolation[] = [];
  const stops = new Map(problem.stops.map((stop) => [stop.id, stop]));
  const fleet = new Map(vehicles.map((vehicle) => [vehicle.id, vehicle]));
  const stopName = (stopId: string) => stops.get(stopId)?.name ?? stopId;
  const vehicleName = (vehicleId: string) => fleet.get(vehicleId)?.name ?? vehicleId;

  // Assigned once.
  const routedOn = new Map<string, string>();
  for (const route of solution.routes) {
    for (const { stopId } of route.stops) {
      const already = routedOn.get(stopId);
      if (already !== undefined) {
        const name = stopName(stopId);
        violations.push({
          kind: 'routed-twice',
          stopId,
          vehicleId: route.vehicleId,
          message: {
            fr: `L’arrêt « ${name} » est deux fois dans les tournées (${vehicleName(already)}, ${vehicleName(route.vehicleId)}).`,
            en: `Stop "${name}" is twice in the routes (${vehicleName(already)}, ${vehicleName(route.vehicleId)}).`,
          },
        });
      } else routedOn.set(stopId, route.vehicleId);
      if (!stops.has(stopId)) {
        violations.push({
          kind: 'unknown-stop',
          stopId,
          vehicleId: route.vehicleId,
          message: {
            fr: `La tournée de ${vehicleName(route.vehicleId)} passe par « ${stopId} », qui n’est pas un arrêt de ce jour.`,
            en: `${vehicleName(route.vehicleId)}'s route goes to "${stopId}", which is not a stop of this day.`,
          },
        });
      }
    }
  }
  const unrouted = new Set(solution.unrouted.map((entry) => entry.stopId));
  for (const stopId of unrouted) {
    if (!routedOn.has(stopId)) continue;
    const name = stopName(stopId);
    violations.push({
      kind: 'routed-and-unrouted',
      stopId,
      message: {
        fr: `L’arrêt « ${name} » est à la fois dans une tournée et parmi les arrêts non placés.`,
        en: `Stop "${name}" is both on a route and among the stops left out.`,
      },
    });
  }
  for (const stop of problem.stops) {
    if (routedOn.has(stop.id) || unrouted.has(stop.id)) continue;
    violations.push({
      kind: 'unaccounted',
      stopId: stop.id,
      message: {
        fr: `L’arrêt « ${stop.name} » n’est dans aucune tournée ni parmi les arrêts non placés : ses paniers seraient oubliés.`,
        en: `Stop "${stop.name}" is on no route and not among the stops left out: its baskets would be forgotten.`,
      },
    });
  }

  // Vehicles and their loads (summed per vehicle, should one have two routes).
  const loads = new Map<string, number>();
  for (const route of solution.routes) {
    if (!fleet.has(route.vehicleId)) {
      violations.push({
        kind: 'unknown-vehicle',
        vehicleId: route.vehicleId,
        message: {
          fr: `Une tournée est prévue pour le véhicule « ${route.vehicleId} », que le jardin n’a pas.`,
          en: `A route is planned for vehicle "${route.vehicleId}", which the garden does not have.`,
        },
      });
      continue;
    }
    const load = route.stops.reduce((sum, { stopId }) => {
      const stop = stops.get(stopId);
      return sum + (stop ? basketsAt(stop) : 0);
    }, 0);
    loads.set(route.vehicleId, (loads.get(route.vehicleId) ?? 0) + load);
  }
  for (const [vehicleId, load] of loads) {
    const vehicle = fleet.get(vehicleId) as FleetVehicle;
    if (load <= vehicle.capacity) continue;
    violations.push({
      kind: 'over-capacity',
      vehicleId,
      message: {
        fr: `${vehicle.name} emporterait ${load} paniers pour ${vehicle.capacity} places.`,
        en: `${vehicle.name} would carry ${load} baskets for ${vehicle.capacity} places.`,
      },
    });
  }

  // Windows.
  for (const route of solution.routes) {
    for (const planned of route.stops) {
      const stop: RoundStop | undefined = stops.get(planned.stopId);
      if (!stop?.window || planned.arrival <= stop.window.end || planned.late) continue;
      const minutes = Math.ceil((planned.arrival - stop.window.end) / 60);
      violations.push({
        kind: 'late-unflagged',
        stopId: stop.id,
        vehicleId: route.vehicleId,
        message: {
          fr: `${vehicleName(route.vehicleId)} arrive à « ${stop.name} » à ${clockOf(planned.arrival)}, ${minutes} min après son créneau (jusqu’à ${clockOf(stop.window.end)}), sans que le retard soit signalé.`,
          en: `${vehicleName(route.vehicleId)} reaches "${stop.name}" at ${clockOf(planned.arrival)}, ${minutes} min after its window (until ${clockOf(stop.window.end)}), and the delay is not flagged.`,
        },
      });
    }
  }

  // Pins: the vehicle, then first and last. Several stops pinned first on one vehicle fill its
  // first places, in any order among themselves; likewise at the end.
  const routes = new Map(solution.routes.map((route) => [route.vehicleId, route]));
  for (const pin of problem.pins) {
    const on = routedOn.get(pin.stopId);
    if (on === undefined) continue; // Left out (too full, too late): reported as unrouted.
    const name = stopName(pin.stopId);
    if (on !== pin.vehicleId) {
      violations.push({
        kind: 'pin-vehicle',
        stopId: pin.stopId,
        vehicleId: on,
        message: {
          fr: `L’arrêt « ${name} », attribué à ${vehicleName(pin.vehicleId)}, est dans la tournée de ${vehicleName(on)}.`,
          en: `Stop "${name}", pinned to ${vehicleName(pin.vehicleId)}, is on ${vehicleName(on)}'s route.`,
        },
      });
      continue;
    }
    if (!pin.position) continue;
    const order = routes.get(on)?.stops.map((stop) => stop.stopId) ?? [];
    const pinnedHere = new Set(
      problem.pins
        .filter(
          (other) =>
            other.vehicleId === on && other.position === pin.position && routedOn.get(other.stopId) === on,
        )
        .map((other) => other.stopId),
    );
    const index = order.indexOf(pin.stopId);
    const held = pin.position === 'first' ? index < pinnedHere.size : index >= order.length - pinnedHere.size;
    if (held) continue;
    violations.push({
      kind: 'pin-position',
      stopId: pin.stopId,
      vehicleId: on,
      message:
        pin.position === 'first'
          ? {
              fr: `L’arrêt « ${name} » doit être le premier de la tournée de ${vehicleName(on)} ; il est en position ${index + 1}.`,
              en: `Stop "${name}" must come first on ${vehicleName(on)}'s route; it is at position ${index + 1}.`,
            }
          : {
              fr: `L’arrêt « ${name} » doit être le dernier de la tournée de ${vehicleName(on)} ; il est en position ${index + 1} sur ${order.length}.`,
              en: `Stop "${name}" must come last on ${vehicleName(on)}'s route; it is at position ${index + 1} of ${order.length}.`,
            },
    });
  }
  return violations;
}

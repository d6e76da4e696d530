import type { Vehicle } from './fleet.ts';
import type { RoundStop } from './stops.ts';

/** How long and how far between two places, from a matrix provider. */
export interface TravelMatrix {
  /** Places in order: the vehicles' starts and ends, then the stops (see `matrixPlaces`). */
  durations: number[][];
  distances: number[][];
}

/** What the optimiser is asked: route these stops with these vehicles. */
export interface RoundProblem {
  gardenId: string;
  date: string;
  vehicles: Vehicle[];
  /** Only stops with a location; the others are flagged before. */
  stops: RoundStop[];
  /** Stops staff pinned: to a vehicle, and first or last on it. */
  pins: StopPin[];
}

export interface StopPin {
  stopId: string;
  vehicleId: string;
  position?: 'first' | 'last';
}

/** One stop in a route, with the times worked out by the optimiser (seconds after midnight). */
export interface PlannedStop {
  stopId: string;
  arrival: number;
  departure: number;
  /** Metres driven from the previous place. */
  distance: number;
  /** Arrives after its window closes: shown to staff with the reason. */
  late?: { byMinutes: number; reason: string };
}

export interface VehicleRoute {
  vehicleId: string;
  stops: PlannedStop[];
  /** Leaves its start, back at its end (seconds after midnight). */
  start: number;
  end: number;
  distance: number;
  /** Seconds of driving (without the time at stops or waiting). */
  driving: number;
  baskets: number;
}

export interface Unrouted {
  stopId: string;
  reason: 'no-location' | 'capacity' | 'time-window' | 'no-vehicle' | 'other';
}

/** An optimiser's answer. */
export interface RoundSolution {
  routes: VehicleRoute[];
  unrouted: Unrouted[];
  /** Which optimiser made it, and why not the garden's choice when it fell back. */
  optimiser: 'vroom' | 'circuit' | 'entry-order';
  fallbackReason?: string;
}

/** The port every optimiser (VROOM, Circuit) fits behind. */
export interface RouteOptimiser {
  optimise(problem: RoundProblem): Promise<RoundSolution>;
}

/**
 * The places of a problem's matrix, in order: each vehicle's start and end (two rows per
 * vehicle, `2 * v` and `2 * v + 1`), then each stop (`2 * vehicles + s`).
 */
export function matrixPlaces(
  problem: Pick<RoundProblem, 'vehicles' | 'stops'>,
): Array<{ lat: number; lng: number }> {
  const places: Array<{ lat: number; lng: number }> = [];
  for (const vehicle of problem.vehicles) places.push(vehicle.start, vehicle.end ?? vehicle.start);
  for (const stop of problem.stops) {
    if (!stop.location) throw new Error(`Stop ${stop.id} has no location: flag it before optimising.`);
    places.push(stop.location);
  }
  return places;
}

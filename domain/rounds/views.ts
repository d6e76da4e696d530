import type { Vehicle } from './fleet.ts';
import type { VehicleRoute } from './plan.ts';
import type { Round, RoundPhase, StopMark } from './round.ts';
import type { RoundStop } from './stops.ts';

/**
 * What the API answers about rounds. Staff see the whole round; a driver sees their own route.
 * Times are seconds after the garden's midnight on the delivery day (clockOf gives "17:10").
 */

/** One line of the week's rounds. */
export interface RoundSummary {
  date: string;
  phase: RoundPhase;
  /** Stops in all, and those that could not be routed (no location, too late, too full). */
  stops: number;
  unrouted: number;
  vehicles: number;
  progress: { delivered: number; notDelivered: number; total: number };
  deadline: string;
  approved: boolean;
}

/** A round for staff: the stored round, the vehicles it uses (from the fleet), the day's progress. */
export interface RoundView extends Round {
  vehicles: Vehicle[];
  progress: { delivered: number; notDelivered: number; total: number };
  /** Whether the workflow is running (a round can be planned again only then or before it starts). */
  running: boolean;
}

/** A driver's list: their routes today and next, once distributed. */
export interface DriverRoundSummary {
  date: string;
  vehicleId: string;
  vehicleName: string;
  stops: number;
  start: number;
  end: number;
  progress: { delivered: number; notDelivered: number; total: number };
}

/** A driver's route on a day: ordered stops with what to drop, and their marks. */
export interface DriverRouteView {
  gardenId: string;
  gardenName: string;
  date: string;
  vehicle: Vehicle;
  route: VehicleRoute;
  /** The route's stops, in route order (same order as route.stops). */
  stops: RoundStop[];
  /** Home deliveries' names are in the stops; a depot's signing sheet is a document link. */
  sheets: Array<{ depotId: string; url: string }>;
  marks: StopMark[];
}

import type { MapPoint } from '../../maps/base-map.ts';

/** How many route colours the tokens hold (`--route-1` … `--route-6`); more vehicles reuse them. */
export const routeColours = 6;

/** The colour of the n-th vehicle's route (0-based), as the number of its token. */
export function routeColour(index: number): number {
  return (index % routeColours) + 1;
}

/** A stop on the map of a round: its number in the route, and how it stands on the day. */
export interface MapStop {
  id: string;
  number: number;
  name: string;
  point: MapPoint;
  /** Lines of its popup: arrival, baskets… (text, never HTML). */
  lines: string[];
  state?: 'delivered' | 'not-delivered' | 'pending' | undefined;
  late?: boolean;
}

/** One vehicle's route on the map: start, stops in order, end. */
export interface MapRoute {
  vehicleId: string;
  label: string;
  colour: number;
  start: MapPoint;
  end: MapPoint;
  stops: MapStop[];
}

import type { MapPoint } from './base-map.ts';

/** A depot on the staff map, with what it holds this week. */
export interface DepotMarker {
  id: string;
  name: string;
  point: MapPoint;
  /** Its label on the map: "12 / 40" (baskets this week out of its capacity). */
  label: string;
  /** Lines of its popup: address, day, baskets by size… */
  lines: string[];
  overCapacity: boolean;
  link: string;
}

/** A member's home (home deliveries). */
export interface HomeMarker {
  memberId: string;
  name: string;
  point: MapPoint;
  lines: string[];
  link: string;
}

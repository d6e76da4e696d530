import type { MapPosition } from '../depot.ts';
import type { TravelMatrix } from './plan.ts';

/** Great-circle distance in metres. */
export function haversineMetres(a: MapPosition, b: MapPosition): number {
  const radians = Math.PI / 180;
  const dLat = (b.lat - a.lat) * radians;
  const dLng = (b.lng - a.lng) * radians;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * radians) * Math.cos(b.lat * radians) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface StraightLineOptions {
  /** Roads are longer than the straight line: 1.3 is usual in the French countryside. */
  roadFactor?: number;
  /** Average speed on the way, in km/h. */
  speedKmh?: number;
}

/**
 * The travel matrix without a road network: straight lines times a road factor, at an
 * average speed. The local stack's matrix; production can use OSRM or Circuit's own.
 */
export function straightLineMatrix(
  places: readonly MapPosition[],
  options: StraightLineOptions = {},
): TravelMatrix {
  const roadFactor = options.roadFactor ?? 1.3;
  const metresPerSecond = ((options.speedKmh ?? 40) * 1000) / 3600;
  const distances = places.map((from) =>
    places.map((to) => Math.round(haversineMetres(from, to) * roadFactor)),
  );
  const durations = distances.map((row) => row.map((metres) => Math.round(metres / metresPerSecond)));
  return { durations, distances };
}

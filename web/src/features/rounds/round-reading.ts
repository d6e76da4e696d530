import type { BasketCounts } from '../../../../domain/delivery-week.ts';
import type { Vehicle } from '../../../../domain/rounds/fleet.ts';
import { clockOf } from '../../../../domain/rounds/fleet.ts';
import type { PlannedStop, Unrouted, VehicleRoute } from '../../../../domain/rounds/plan.ts';
import { lastMarkOf, type StopMark } from '../../../../domain/rounds/round.ts';
import type { RoundStop, TimeWindow } from '../../../../domain/rounds/stops.ts';
import { basketSizes } from '../../../../domain/subscription.ts';
import { labels } from '../../i18n/labels.ts';
import type { RoundView } from './rounds-api.ts';
import { routeColour, type MapRoute } from './route-map.ts';

/** « 2 petits · 1 moyen »: the baskets to drop, by size (sizes with none left out). */
export function basketsBySize(baskets: BasketCounts): string {
  return basketSizes
    .filter((size) => (baskets[size] ?? 0) > 0)
    .map((size) => `${baskets[size]} × ${labels.basketSize(size)}`)
    .join(' · ');
}

export function basketTotal(baskets: BasketCounts): number {
  return basketSizes.reduce((total, size) => total + (baskets[size] ?? 0), 0);
}

/** « 17:00 – 19:00 ». */
export function windowOf(window: TimeWindow | undefined): string {
  return window ? `${clockOf(window.start)} – ${clockOf(window.end)}` : '';
}

/** « 12,4 km ». */
export function kilometres(metres: number, locale: string): string {
  return `${(metres / 1000).toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 })} km`;
}

/** « 1 h 05 » or « 25 min ». */
export function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/** One line of a driver's table: the planned stop, what it is, and its mark on the day. */
export interface RouteLine {
  order: number;
  planned: PlannedStop;
  stop: RoundStop;
  mark?: StopMark | undefined;
  pinned?: 'first' | 'last' | 'vehicle' | undefined;
}

/** A vehicle's route as staff read it: its lines in order, its totals against its capacity. */
export interface RouteReading {
  vehicle: Vehicle;
  route: VehicleRoute;
  colour: number;
  lines: RouteLine[];
  overCapacity: boolean;
}

export function routeReadings(round: RoundView): RouteReading[] {
  const stops = new Map(round.stops.map((stop) => [stop.id, stop]));
  const vehicles = new Map(round.vehicles.map((vehicle, index) => [vehicle.id, { vehicle, index }]));
  const pins = new Map(round.pins.map((pin) => [pin.stopId, pin]));
  const readings: RouteReading[] = [];
  for (const route of round.solution?.routes ?? []) {
    const found = vehicles.get(route.vehicleId);
    if (!found) continue;
    const lines: RouteLine[] = [];
    route.stops.forEach((planned, index) => {
      const stop = stops.get(planned.stopId);
      if (!stop) return;
      const pin = pins.get(planned.stopId);
      lines.push({
        order: index + 1,
        planned,
        stop,
        mark: lastMarkOf(round, planned.stopId),
        pinned: pin ? (pin.position ?? 'vehicle') : undefined,
      });
    });
    readings.push({
      vehicle: found.vehicle,
      route,
      colour: routeColour(found.index),
      lines,
      overCapacity: route.baskets > found.vehicle.capacity,
    });
  }
  return readings;
}

/** The stops no route takes, with why, and the stop itself (its name, its member). */
export function unroutedStops(round: RoundView): Array<Unrouted & { stop: RoundStop | undefined }> {
  const stops = new Map(round.stops.map((stop) => [stop.id, stop]));
  return (round.solution?.unrouted ?? []).map((entry) => ({ ...entry, stop: stops.get(entry.stopId) }));
}

/** The routes on the map: start, stops in order (those with a place), end; marks as states. */
export function mapRoutes(
  readings: readonly RouteReading[],
  lineOf: (line: RouteLine) => string[],
): MapRoute[] {
  return readings.map((reading) => ({
    vehicleId: reading.vehicle.id,
    label: `${reading.vehicle.name} · ${reading.vehicle.driverName}`,
    colour: reading.colour,
    start: reading.vehicle.start,
    end: reading.vehicle.end ?? reading.vehicle.start,
    stops: reading.lines.flatMap((line) =>
      line.stop.location
        ? [
            {
              id: line.stop.id,
              number: line.order,
              name: line.stop.name,
              point: line.stop.location,
              lines: lineOf(line),
              state: line.mark?.outcome,
              late: line.planned.late !== undefined,
            },
          ]
        : [],
    ),
  }));
}

/** A stop's name for the changes list (it may have left the round: its id then). */
export function stopName(round: Pick<RoundView, 'stops'>, stopId: string): string {
  return round.stops.find((stop) => stop.id === stopId)?.name ?? stopId;
}

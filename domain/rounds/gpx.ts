import { formatDay, type IsoDate } from '../calendar.ts';
import type { MapPosition } from '../depot.ts';
import type { Locale } from '../locale.ts';
import { addressLine } from '../member.ts';
import { basketSizes, type BasketSize } from '../subscription.ts';
import { clockOf, type Vehicle } from './fleet.ts';
import { formatCoordinate } from './navigation.ts';
import type { VehicleRoute } from './plan.ts';
import type { RoundStop } from './stops.ts';
import { basketsAt } from './timing.ts';

/**
 * A driver's route as a GPX 1.1 document (https://www.topografix.com/GPX/1/1/), for GPS apps:
 * a waypoint per stop in route order (with what to drop there) and a route through the start,
 * the stops and the end. It validates against the GPX 1.1 XSD (gpx.test.ts runs xmllint).
 */
export interface RouteGpxInput {
  gardenName: string;
  date: IsoDate;
  vehicle: Pick<Vehicle, 'name' | 'driverName' | 'start' | 'end'>;
  route: Pick<VehicleRoute, 'stops'>;
  /** The stops of the route (others are ignored); one without a location is left out. */
  stops: readonly RoundStop[];
  /** When the file is made (the metadata's time): passed in, this module reads no clock. */
  generatedAt: Date;
  /** The driver's language; French when absent. */
  locale?: Locale;
}

/** The creator the GPX names (required by the schema). */
export const gpxCreator = 'Cocagne';

/** Whether a code point may appear in an XML 1.0 document (its `Char` production). */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * Text as XML character data or an attribute value: markup characters escaped, and what XML 1.0
 * forbids (control characters, lone surrogates, U+FFFE/U+FFFF) dropped, since no escape can
 * carry them and a parser would refuse the whole file.
 */
export function xmlEscape(text: string): string {
  let kept = '';
  for (const char of text) if (isXmlChar(char.codePointAt(0) ?? 0)) kept += char;
  return kept
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A longitude as the schema takes it: decimals without exponent, 180° written -180° (same meridian). */
function longitudeText(degrees: number): string {
  const lon = formatCoordinate(degrees);
  return lon === '180' ? '-180' : lon;
}

function positionAttributes(position: MapPosition): string {
  return `lat="${formatCoordinate(position.lat)}" lon="${longitudeText(position.lng)}"`;
}

function element(name: string, text: string | undefined): string {
  return text === undefined || text === '' ? '' : `<${name}>${xmlEscape(text)}</${name}>`;
}

const sizeWords: Record<Locale, Record<BasketSize, [string, string]>> = {
  fr: { small: ['petit', 'petits'], medium: ['moyen', 'moyens'], large: ['grand', 'grands'] },
  en: { small: ['small', 'small'], medium: ['medium', 'medium'], large: ['large', 'large'] },
};

const words = {
  fr: {
    round: 'tournée du',
    colon: ' : ',
    stops: (count: number) => `${count} arrêt${count > 1 ? 's' : ''}`,
    window: 'Créneau',
    arrival: 'Arrivée prévue',
    late: (minutes: number) => `en retard de ${minutes} min`,
    baskets: (count: number) => `${count} panier${count > 1 ? 's' : ''}`,
    phone: 'Tél.',
    start: 'Départ',
    end: 'Retour',
  },
  en: {
    round: 'round of',
    colon: ': ',
    stops: (count: number) => `${count} stop${count > 1 ? 's' : ''}`,
    window: 'Window',
    arrival: 'Expected at',
    late: (minutes: number) => `${minutes} min late`,
    baskets: (count: number) => `${count} basket${count > 1 ? 's' : ''}`,
    phone: 'Phone',
    start: 'Start',
    end: 'End',
  },
} as const;

/** "3 paniers (2 petits, 1 moyen)". */
function basketsLine(stop: RoundStop, locale: Locale): string {
  const sizes = basketSizes
    .filter((size) => stop.baskets[size] > 0)
    .map((size) => {
      const count = stop.baskets[size];
      return `${count} ${sizeWords[locale][size][count > 1 ? 1 : 0]}`;
    });
  return `${words[locale].baskets(basketsAt(stop))}${sizes.length ? ` (${sizes.join(', ')})` : ''}`;
}

interface Located {
  order: number;
  stop: RoundStop & { location: MapPosition };
  arrival: number;
  lateBy?: number;
}

function description(point: Located, locale: Locale): string {
  const say = words[locale];
  const { stop } = point;
  const lines: string[] = [];
  if (stop.address) lines.push(addressLine(stop.address));
  const arrival = `${say.arrival} ${clockOf(point.arrival)}`;
  lines.push(point.lateBy ? `${arrival} (${say.late(point.lateBy)})` : arrival);
  if (stop.window) lines.push(`${say.window} ${clockOf(stop.window.start)}–${clockOf(stop.window.end)}`);
  lines.push(basketsLine(stop, locale));
  if (stop.phone) lines.push(`${say.phone} ${stop.phone}`);
  return lines.join('\n');
}

const stopName = (point: Located) => `${point.order}. ${point.stop.name}`;

/** The waypoint (`wpt`) or route point (`rtept`) of a stop; the schema fixes the children's order. */
function stopPoint(tag: 'wpt' | 'rtept', point: Located, locale: Locale): string {
  return (
    `<${tag} ${positionAttributes(point.stop.location)}>` +
    element('name', stopName(point)) +
    element('cmt', point.stop.accessNotes) +
    element('desc', description(point, locale)) +
    element('type', point.stop.kind) +
    `</${tag}>`
  );
}

function bounds(positions: readonly MapPosition[]): string {
  const lats = positions.map((position) => position.lat);
  const lngs = positions.map((position) => position.lng);
  return (
    `<bounds minlat="${formatCoordinate(Math.min(...lats))}" minlon="${longitudeText(Math.min(...lngs))}"` +
    ` maxlat="${formatCoordinate(Math.max(...lats))}" maxlon="${longitudeText(Math.max(...lngs))}"/>`
  );
}

/** The GPX 1.1 document of one driver's route on a day (UTF-8 text). */
export function routeGpx(input: RouteGpxInput): string {
  const locale = input.locale ?? 'fr';
  const say = words[locale];
  const byId = new Map(input.stops.map((stop) => [stop.id, stop]));
  const points: Located[] = [];
  input.route.stops.forEach((planned, index) => {
    const stop = byId.get(planned.stopId);
    if (!stop?.location) return;
    points.push({
      // The number the driver sees in the list, even when a stop before is left out.
      order: index + 1,
      stop: { ...stop, location: stop.location },
      arrival: planned.arrival,
      ...(planned.late ? { lateBy: planned.late.byMinutes } : {}),
    });
  });
  const start = input.vehicle.start;
  const end = input.vehicle.end ?? input.vehicle.start;
  const routeName = `${input.vehicle.name} (${input.vehicle.driverName})`;
  const metadata =
    '<metadata>' +
    element('name', `${input.gardenName} – ${say.round} ${formatDay(input.date, locale)}`) +
    element('desc', `${routeName}${say.colon}${say.stops(points.length)}`) +
    `<time>${input.generatedAt.toISOString()}</time>` +
    bounds([start, end, ...points.map((point) => point.stop.location)]) +
    '</metadata>';
  const waypoints = points.map((point) => stopPoint('wpt', point, locale)).join('\n');
  const route =
    '<rte>' +
    element('name', routeName) +
    '\n' +
    [
      `<rtept ${positionAttributes(start)}>${element('name', say.start)}</rtept>`,
      ...points.map((point) => stopPoint('rtept', point, locale)),
      `<rtept ${positionAttributes(end)}>${element('name', say.end)}</rtept>`,
    ].join('\n') +
    '\n</rte>';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator="${gpxCreator}">`,
    metadata,
    waypoints,
    route,
    '</gpx>',
    '',
  ]
    .filter((line, index, lines) => line !== '' || index === lines.length - 1)
    .join('\n');
}

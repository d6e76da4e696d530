import type { MapPosition } from '../depot.ts';
import { toE164 } from '../phone.ts';

/**
 * Links that open navigation on a driver's phone, one tap from a stop: the phone's own choice
 * (`geo:`), Google Maps and Waze; and `tel:` to call the stop.
 */

/**
 * A coordinate as links want it: at most 6 decimals (about 10 cm), trailing zeros dropped,
 * never exponent notation (`1e-7` would reach a map app as text), never `-0`.
 */
export function formatCoordinate(degrees: number): string {
  if (!Number.isFinite(degrees)) throw new RangeError(`Not a coordinate: ${degrees}`);
  const fixed = degrees.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

function assertPosition(position: MapPosition): void {
  if (!(Math.abs(position.lat) <= 90) || !(Math.abs(position.lng) <= 180)) {
    throw new RangeError(`Not a position: ${position.lat},${position.lng}`);
  }
}

const pair = (position: MapPosition): string => {
  assertPosition(position);
  return `${formatCoordinate(position.lat)},${formatCoordinate(position.lng)}`;
};

/** Percent-encodes everything but unreserved characters (RFC 3986), brackets included. */
function encodeStrict(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `geo:47.2378,6.0241?q=47.2378,6.0241(Label)`: the position (RFC 5870), and the query with a
 * label that Android's map apps show on the pin. The label is percent-encoded, brackets too, so a
 * name cannot close the label or add a parameter.
 */
export function geoUri(position: MapPosition, label?: string): string {
  const at = pair(position);
  const name = label?.replace(/\s+/g, ' ').trim();
  return name ? `geo:${at}?q=${at}(${encodeStrict(name)})` : `geo:${at}`;
}

/** Google Maps' directions to the position from where the phone is (Maps URLs, api=1). */
export function googleMapsDirectionsUrl(position: MapPosition): string {
  return `https://www.google.com/maps/dir/?api=1&destination=${pair(position)}`;
}

/** Waze, navigating at once to the position. */
export function wazeUrl(position: MapPosition): string {
  return `https://waze.com/ul?ll=${pair(position)}&navigate=yes`;
}

export interface NavigationLinks {
  geo: string;
  googleMaps: string;
  waze: string;
}

/** The three links of a stop, or none when it is not placed on the map. */
export function navigationLinks(stop: { name: string; location?: MapPosition }): NavigationLinks | undefined {
  if (!stop.location) return undefined;
  return {
    geo: geoUri(stop.location, stop.name),
    googleMaps: googleMapsDirectionsUrl(stop.location),
    waze: wazeUrl(stop.location),
  };
}

/**
 * `tel:+33612345678` (RFC 3966) for a phone as stored (E.164) or as typed ("06 12 34 56 78"
 * becomes +33…); another run of digits (a short number, a depot's odd contact) is kept as it
 * is, separators dropped. Undefined when it holds no number.
 */
export function telLink(phone: string | undefined): string | undefined {
  if (!phone) return undefined;
  const e164 = toE164(phone);
  if (e164) return `tel:${e164}`;
  const compact = phone.trim().replace(/[\s.()-]/g, '');
  return /^\+?\d{3,20}$/.test(compact) ? `tel:${compact}` : undefined;
}

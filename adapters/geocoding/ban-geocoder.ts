/**
 * A member's address to a place on the map, through the French national address service (the
 * Base Adresse Nationale's geocoder). Production points it at the Géoplateforme's; locally
 * there is none (staff place members on the map) and tests use `tests/fakes/ban-api.ts`.
 *
 * The contract followed, as published (read through the search tool):
 * - geoservices.ign.fr, "Service Géoplateforme de géocodage": GET
 *   https://data.geopf.fr/geocodage/search, the same parameters as the API Adresse it took over
 *   from (index `address` by default); 50 requests a second per IP.
 * - geoservices.ign.fr "Limite d'usage" (also cartes.gouv.fr's "Limites d'usage"): over the
 *   limit, a 429 (an HTML page) with a `retry-after` header, 5 seconds and falling.
 * - adresse.data.gouv.fr/api-doc/adresse: `q` (full text), `limit`, `autocomplete=0` to turn
 *   the completion of half-typed words off, the filters `postcode`, `citycode` and `type`;
 *   the answer a GeoCodeJSON FeatureCollection, best first, `geometry.coordinates` as
 *   [longitude, latitude], `properties.label`, `score` (0 to 1) and `type`: `housenumber` (at
 *   the door), `street` (about the middle of the street), `locality` (a lieu-dit),
 *   `municipality` (the town).
 * - `q` must hold 3 to 200 characters and start with a letter or a digit, or the answer is a
 *   400 "Failed parsing query" (BaseAdresseNationale/adresse.data.gouv.fr issue 1405).
 */
import { keptPosition, type MapPosition } from '../../domain/depot.ts';
import type { PostalAddress } from '../../domain/member.ts';
import { backoffDelay, type BackoffOptions } from '../routing/circuit-client.ts';

/** The Géoplateforme's geocoder (the BAN's): GET `<url>/search`. */
export const geoplateformeGeocoderUrl = 'https://data.geopf.fr/geocodage';

/** How close to the door the position is: at it, in the street, or at a lieu-dit. */
export type GeocodePrecision = 'housenumber' | 'street' | 'locality';

export interface GeocodedAddress {
  /** Kept to 7 decimals, as the store keeps positions. */
  position: MapPosition;
  /** The address as the service knows it: "12 Rue de la République 25000 Besançon". */
  label: string;
  /** The service's confidence, 0 to 1. */
  score: number;
  precision: GeocodePrecision;
}

export interface Geocoder {
  /**
   * Where the address is, or undefined when the service does not know it well enough to
   * deliver there (nothing found, a score under the minimum, or only the town): the member is
   * then left for staff to place on the map. Throws a `GeocoderError` when the service could
   * not be asked (throttled, down, too slow, refusing).
   */
  geocode(address: PostalAddress): Promise<GeocodedAddress | undefined>;
}

export type GeocoderErrorKind = 'throttled' | 'unavailable' | 'refused' | 'invalid-answer';

export class GeocoderError extends Error {
  override readonly name = 'GeocoderError';
  readonly kind: GeocoderErrorKind;
  readonly status: number | undefined;
  constructor(kind: GeocoderErrorKind, message: string, status?: number) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

export interface BanGeocoderOptions {
  /** The service's base, e.g. `geoplateformeGeocoderUrl`; the request goes to `<baseUrl>/search`. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  /** Under this score an answer is a guess (0.6 unless given). */
  minimumScore?: number;
  backoff?: Partial<BackoffOptions>;
  /** Injected by tests so that back-off takes no real time. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The service refuses a longer `q`. */
const queryMaxCharacters = 200;
const defaultMinimumScore = 0.6;
/**
 * Four tries: on the Géoplateforme a throttled client is told to wait 5 seconds, so about
 * 15 seconds in all before giving up, which a round's planning can afford and a retried
 * activity repeats anyway.
 */
const defaultBackoff: BackoffOptions = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };
/** A `retry-after` is followed, but not past this: a broken header must not stall a round. */
const longestRetryAfterMs = 60_000;
const preciseTypes: readonly string[] = ['housenumber', 'street', 'locality'];

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.min(longestRetryAfterMs, Math.max(0, ms));
}

/** Control characters out, runs of spaces folded: what a person typed, on one line. */
const folded = (text: string) =>
  text
    .replace(/\p{C}+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();

/**
 * The `q` sent for an address: "street postcode town", starting with a letter or a digit and
 * within the service's 200 characters, the street cut first (the postcode is also sent as a
 * filter, and the town tells two same-named streets apart). Undefined when nothing is left to
 * look for.
 */
export function banQueryOf(address: PostalAddress): string | undefined {
  const town = folded(`${address.postalCode} ${address.city}`);
  const room = queryMaxCharacters - Array.from(town).length - 1;
  const street = Array.from(folded(address.street)).slice(0, Math.max(0, room)).join('').trim();
  const q = folded(`${street} ${town}`).replace(/^[^\p{L}\p{N}]+/u, '');
  const characters = Array.from(q);
  if (characters.length < 3) return undefined;
  return characters.slice(0, queryMaxCharacters).join('').trim();
}

interface BanFeature {
  geometry?: { coordinates?: unknown };
  properties?: { label?: unknown; score?: unknown; type?: unknown };
}

export function createBanGeocoder(options: BanGeocoderOptions): Geocoder {
  const searchUrl = `${options.baseUrl.replace(/\/+$/, '')}/search`;
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const minimumScore = options.minimumScore ?? defaultMinimumScore;
  const backoff = { ...defaultBackoff, ...options.backoff };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;

  /** The service's answer to one search; a 429, 5xx, timeout or network error tried again, up to a bound. */
  async function search(url: URL): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= backoff.maxAttempts;
      let response: Response;
      try {
        response = await fetchImpl(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (!last) {
          await sleep(backoffDelay(attempt, backoff, random));
          continue;
        }
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        throw new GeocoderError(
          'unavailable',
          timedOut
            ? `The geocoder (${searchUrl}) did not answer within ${timeoutMs} ms, ${attempt} attempts`
            : `The geocoder (${searchUrl}) is unreachable after ${attempt} attempts: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        const throttled = response.status === 429;
        if (!last) {
          const asked = throttled ? retryAfterMs(response.headers.get('retry-after')) : undefined;
          await sleep(backoffDelay(attempt, backoff, random, asked));
          continue;
        }
        throw throttled
          ? new GeocoderError(
              'throttled',
              `The geocoder (${searchUrl}) still refused for its rate limit after ${attempt} attempts`,
              429,
            )
          : new GeocoderError(
              'unavailable',
              `The geocoder (${searchUrl}) answered ${response.status} after ${attempt} attempts`,
              response.status,
            );
      }
      const text = await response.text();
      if (!response.ok) {
        throw new GeocoderError(
          'refused',
          `The geocoder (${searchUrl}) answered ${response.status}: ${text.slice(0, 300)}`,
          response.status,
        );
      }
      try {
        return JSON.parse(text);
      } catch {
        throw new GeocoderError(
          'invalid-answer',
          `The geocoder (${searchUrl}) answered something other than JSON`,
        );
      }
    }
  }

  return {
    async geocode(address) {
      const q = banQueryOf(address);
      if (q === undefined) return undefined;
      const url = new URL(searchUrl);
      // URLSearchParams percent-encodes: whatever the address holds stays inside `q`.
      url.searchParams.set('q', q);
      if (/^\d{5}$/.test(address.postalCode)) url.searchParams.set('postcode', address.postalCode);
      url.searchParams.set('limit', '1');
      url.searchParams.set('autocomplete', '0');

      const answer = (await search(url)) as { features?: unknown } | null;
      if (!answer || !Array.isArray(answer.features)) {
        throw new GeocoderError('invalid-answer', `The geocoder (${searchUrl}) answered without features`);
      }
      const best = answer.features[0] as BanFeature | undefined;
      if (!best) return undefined;
      const { label, score, type } = best.properties ?? {};
      const coordinates = best.geometry?.coordinates;
      if (!Array.isArray(coordinates) || typeof score !== 'number' || typeof type !== 'string') {
        throw new GeocoderError(
          'invalid-answer',
          `The geocoder (${searchUrl}) answered a feature without a place`,
        );
      }
      const [lng, lat] = coordinates as unknown[];
      if (
        typeof lng !== 'number' ||
        typeof lat !== 'number' ||
        !(Math.abs(lat) <= 90) ||
        !(Math.abs(lng) <= 180)
      ) {
        throw new GeocoderError(
          'invalid-answer',
          `The geocoder (${searchUrl}) answered a position out of range`,
        );
      }
      if (score < minimumScore || !preciseTypes.includes(type)) return undefined;
      return {
        position: keptPosition({ lat, lng }),
        label: typeof label === 'string' ? label : q,
        score,
        precision: type as GeocodePrecision,
      };
    },
  };
}

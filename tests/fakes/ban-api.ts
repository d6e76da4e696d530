/**
 * A contract fake of the French national address geocoder (BAN) for the geocoding adapter's
 * tests: an in-process HTTP server answering `GET <base>/search` as the Géoplateforme geocoder
 * (https://data.geopf.fr/geocodage/search) and the API Adresse it replaced describe it:
 *
 * - parameters `q` (3 to 200 characters, starting with a letter or a digit, else 400
 *   "Failed parsing query"), `limit`, `autocomplete`, and the filters `postcode`, `citycode`,
 *   `type` (housenumber, street, locality, municipality);
 * - the answer a GeoCodeJSON FeatureCollection, best first: `geometry.coordinates` as
 *   [longitude, latitude], `properties` with `label`, `score` (0 to 1), `type`, `postcode`,
 *   `citycode`, `city`, `name`, `housenumber` and `street` where they apply;
 * - over the rate limit (50 requests a second per IP), a 429 with a `retry-after` in seconds.
 *
 * Sources: geoservices.ign.fr "Service Géoplateforme de géocodage" and "Limite d'usage";
 * adresse.data.gouv.fr/api-doc/adresse; the 400 text from BaseAdresseNationale/adresse.data.gouv.fr
 * issue 1405. It knows a few addresses around Besançon; its scoring is its own (the share of
 * words in common, as a real score falls when the query carries words the address has not),
 * not addok's. Tests can make it throttle, answer 5xx, be slow or be down; it records requests.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BanRecordedRequest {
  /** The request line's target, as it came (still percent-encoded). */
  rawUrl: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** What was answered, best first (empty when nothing was found or the request failed). */
  answered: { type: string; score: number; label: string }[];
}

export type BanResultType = 'housenumber' | 'street' | 'locality' | 'municipality';

interface KnownPlace {
  type: BanResultType;
  housenumber?: string;
  street?: string;
  /** `name` in the answer: "12 Rue de la République", the street, or the municipality. */
  name: string;
  postcode: string;
  citycode: string;
  city: string;
  lat: number;
  lng: number;
}

const municipalities = [
  { city: 'Besançon', postcode: '25000', citycode: '25056', lat: 47.2553, lng: 6.0194 },
  { city: 'Chalezeule', postcode: '25220', citycode: '25111', lat: 47.2633, lng: 6.0744 },
  { city: 'École-Valentin', postcode: '25480', citycode: '25212', lat: 47.2818, lng: 5.9949 },
  { city: 'Thise', postcode: '25220', citycode: '25560', lat: 47.2851, lng: 6.0828 },
] as const;

const doors = [
  { housenumber: '12', street: 'Rue de la République', city: 'Besançon', lat: 47.2391734, lng: 6.0266512 },
  { housenumber: '5', street: 'Grande Rue', city: 'Besançon', lat: 47.2379105, lng: 6.0238441 },
  { housenumber: '2', street: 'Chemin des Vergers', city: 'Chalezeule', lat: 47.2647203, lng: 6.0715884 },
  { housenumber: '8', street: 'Rue du Moulin', city: 'École-Valentin', lat: 47.2786502, lng: 5.9897127 },
  { housenumber: '14', street: 'Rue de Besançon', city: 'Thise', lat: 47.2839006, lng: 6.079531 },
];

/** Streets known without numbers: the position "at the street", about its middle. */
const streets = [
  ...doors.map(({ street, city, lat, lng }) => ({ street, city, lat: lat + 0.0004, lng: lng + 0.0006 })),
  { street: 'Chemin de la Combe', city: 'Thise', lat: 47.2873, lng: 6.0902 },
];

function municipalityOf(city: string) {
  const found = municipalities.find((candidate) => candidate.city === city);
  if (!found) throw new Error(`The fake knows no municipality ${city}`);
  return found;
}

/** Everything the fake can answer. */
export const banFakePlaces: readonly KnownPlace[] = [
  ...doors.map((door) => {
    const town = municipalityOf(door.city);
    return {
      type: 'housenumber' as const,
      housenumber: door.housenumber,
      street: door.street,
      name: `${door.housenumber} ${door.street}`,
      postcode: town.postcode,
      citycode: town.citycode,
      city: town.city,
      lat: door.lat,
      lng: door.lng,
    };
  }),
  ...streets.map((street) => {
    const town = municipalityOf(street.city);
    return {
      type: 'street' as const,
      street: street.street,
      name: street.street,
      postcode: town.postcode,
      citycode: town.citycode,
      city: town.city,
      lat: street.lat,
      lng: street.lng,
    };
  }),
  ...municipalities.map((town) => ({ type: 'municipality' as const, name: town.city, ...town })),
];

const labelOf = (place: KnownPlace) =>
  place.type === 'municipality' ? place.city : `${place.name} ${place.postcode} ${place.city}`;

/** Lower case, accents off, split on anything that is not a letter or a digit. */
function wordsOf(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * How well `place` answers the query's words, 0 to 1, or undefined when it does not answer it:
 * a door needs its number and its street's words, a street its words, a municipality its name.
 */
function scoreOf(place: KnownPlace, queryWords: readonly string[]): number | undefined {
  const asked = new Set(queryWords);
  const needed = wordsOf(place.type === 'municipality' ? place.city : place.name);
  if (!needed.every((word) => asked.has(word))) return undefined;
  const placeWords = new Set(wordsOf(`${labelOf(place)} ${place.postcode}`));
  const common = [...placeWords].filter((word) => asked.has(word)).length;
  const recall = common / placeWords.size;
  const precision = common / asked.size;
  // A real score is never quite 1; the numbers are the fake's, the ordering is what counts.
  return Math.round(0.97 * ((2 * recall * precision) / (recall + precision)) * 1e4) / 1e4;
}

const queryRule = 'q: must contain between 3 and 200 chars and start with a number or a letter';
const resultTypes: readonly string[] = ['housenumber', 'street', 'locality', 'municipality'];

export interface BanFake {
  /** The geocoder's base: `GET <baseUrl>/search`. */
  baseUrl: string;
  requests: BanRecordedRequest[];
  /** The next `count` requests answer 429 (with `retry-after` seconds, 5 by default as the Géoplateforme). */
  throttle(count: number, retryAfterSeconds?: number): void;
  /** The next `count` requests answer this 5xx. */
  failing(count: number, status?: number): void;
  /** Every answer waits this long first. */
  slow(ms: number): void;
  /** Connections are dropped without an answer until `up()`. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startBanFake(): Promise<BanFake> {
  const requests: BanRecordedRequest[] = [];
  let throttled = 0;
  let retryAfterSeconds = 5;
  let failures = 0;
  let failureStatus = 503;
  let delayMs = 0;
  let isDown = false;

  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
    return status;
  };
  const badRequest = (response: ServerResponse, detail: string) =>
    send(response, 400, { code: 400, message: 'Failed parsing query', detail: [detail] });

  function search(
    query: Record<string, string>,
    response: ServerResponse,
    record: BanRecordedRequest,
  ): number {
    const q = query.q ?? '';
    if (Array.from(q).length < 3 || Array.from(q).length > 200 || !/^[\p{L}\p{N}]/u.test(q)) {
      return badRequest(response, queryRule);
    }
    const limit = query.limit === undefined ? 10 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      return badRequest(response, 'limit: must be an integer between 1 and 50');
    }
    if (query.autocomplete !== undefined && !['0', '1'].includes(query.autocomplete)) {
      return badRequest(response, 'autocomplete: must be 0 or 1');
    }
    if (query.postcode !== undefined && !/^\d{5}$/.test(query.postcode)) {
      return badRequest(response, 'postcode: must contain 5 digits');
    }
    if (query.citycode !== undefined && !/^(\d{5}|2[AB]\d{3})$/.test(query.citycode)) {
      return badRequest(response, 'citycode: must contain 5 characters');
    }
    if (query.type !== undefined && !resultTypes.includes(query.type)) {
      return badRequest(response, `type: must be one of ${resultTypes.join(', ')}`);
    }
    const words = wordsOf(q);
    const found = banFakePlaces
      .filter(
        (place) =>
          (query.postcode === undefined || place.postcode === query.postcode) &&
          (query.citycode === undefined || place.citycode === query.citycode) &&
          (query.type === undefined || place.type === query.type),
      )
      .map((place) => ({ place, score: scoreOf(place, words) }))
      .filter((candidate): candidate is { place: KnownPlace; score: number } => candidate.score !== undefined)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
    const features = found.map(({ place, score }) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [place.lng, place.lat] },
      properties: {
        label: labelOf(place),
        score,
        ...(place.housenumber ? { housenumber: place.housenumber } : {}),
        id: `${place.citycode}_${wordsOf(place.name).join('_')}`,
        name: place.name,
        postcode: place.postcode,
        citycode: place.citycode,
        city: place.city,
        context: '25, Doubs, Bourgogne-Franche-Comté',
        type: place.type,
        importance: 0.5,
        ...(place.street ? { street: place.street } : {}),
        _type: 'address',
      },
    }));
    record.answered = features.map((feature) => ({
      type: feature.properties.type,
      score: feature.properties.score,
      label: feature.properties.label,
    }));
    const filters = Object.fromEntries(
      ['postcode', 'citycode', 'type'].flatMap((name) =>
        query[name] === undefined ? [] : [[name, query[name]]],
      ),
    );
    return send(response, 200, { type: 'FeatureCollection', features, query: q, filters, limit });
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const rawUrl = request.url ?? '/';
      const url = new URL(rawUrl, 'http://fake');
      const record: BanRecordedRequest = {
        rawUrl,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: 0,
        answered: [],
      };
      requests.push(record);
      if (isDown) {
        request.socket.destroy();
        return;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (response.destroyed) return;
      if (throttled > 0) {
        throttled -= 1;
        // The Géoplateforme answers its 429 as an HTML page; the header is what counts.
        response.writeHead(429, { 'content-type': 'text/html', 'retry-after': String(retryAfterSeconds) });
        response.end('<html><body><h1>429 Too Many Requests</h1></body></html>');
        record.status = 429;
        return;
      }
      if (failures > 0) {
        failures -= 1;
        record.status = send(response, failureStatus, {
          code: failureStatus,
          message: 'Service unavailable',
        });
        return;
      }
      if (request.method !== 'GET') {
        record.status = send(response, 405, { code: 405, message: 'Method not allowed' });
        return;
      }
      if (!/^\/geocodage\/search\/?$/.test(url.pathname)) {
        record.status = send(response, 404, { code: 404, message: 'Not found' });
        return;
      }
      record.status = search(record.query, response, record);
    })().catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, {
          code: 500,
          message: error instanceof Error ? error.message : 'Internal error',
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/geocodage`,
    requests,
    throttle(count, seconds = 5) {
      throttled = count;
      retryAfterSeconds = seconds;
    },
    failing(count, status = 503) {
      failures = count;
      failureStatus = status;
    },
    slow(ms) {
      delayMs = ms;
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keptPosition } from '../../domain/depot.ts';
import type { PostalAddress } from '../../domain/member.ts';
import { startBanFake, type BanFake } from '../../tests/fakes/ban-api.ts';
import { banQueryOf, createBanGeocoder, GeocoderError, type BanGeocoderOptions } from './ban-geocoder.ts';
import { geocoderFrom } from './geocoder-settings.ts';

/**
 * The BAN geocoder against its contract fake (tests/fakes/ban-api.ts): what a member's address
 * becomes on the map, and what happens when the service throttles, fails or is away.
 */

const republique: PostalAddress = {
  street: '12 Rue de la République',
  postalCode: '25000',
  city: 'Besançon',
};

describe('the BAN geocoder, against the contract fake', () => {
  let fake: BanFake;
  let waits: number[];

  const geocoderWith = (options: Partial<BanGeocoderOptions> = {}) =>
    createBanGeocoder({
      baseUrl: fake.baseUrl,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      ...options,
    });

  beforeEach(async () => {
    fake = await startBanFake();
    waits = [];
  });
  afterEach(async () => {
    await fake.close();
  });

  it('places a known door: longitude and latitude the right way round, with the label and score', async () => {
    const found = await geocoderWith().geocode(republique);

    expect(found).toEqual({
      position: { lat: 47.2391734, lng: 6.0266512 },
      label: '12 Rue de la République 25000 Besançon',
      score: expect.any(Number) as number,
      precision: 'housenumber',
    });
    expect(found?.score).toBeGreaterThanOrEqual(0.6);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      path: '/geocodage/search',
      status: 200,
      query: {
        q: '12 Rue de la République 25000 Besançon',
        postcode: '25000',
        limit: '1',
        autocomplete: '0',
      },
    });
  });

  it('keeps positions to 7 decimals, as the store does', async () => {
    const answer = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [6.026651249999, 47.239173449999] },
          properties: { label: '12 Rue de la République 25000 Besançon', score: 0.97, type: 'housenumber' },
        },
      ],
    };
    const found = await geocoderWith({
      fetch: async () =>
        new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } }),
    }).geocode(republique);

    expect(found?.position).toEqual(keptPosition({ lat: 47.239173449999, lng: 6.026651249999 }));
    expect(found?.position).toEqual({ lat: 47.2391734, lng: 6.0266512 });
  });

  it('a street it knows without the number: placed at the street, and says so', async () => {
    const found = await geocoderWith().geocode({ ...republique, street: '30 Rue de la République' });

    expect(found).toMatchObject({ label: 'Rue de la République 25000 Besançon', precision: 'street' });
  });

  it('an address the service does not know: undefined, for staff to place', async () => {
    const found = await geocoderWith().geocode({
      street: '3 Rue Oberkampf',
      postalCode: '75011',
      city: 'Paris',
    });

    expect(found).toBeUndefined();
    expect(fake.requests).toMatchObject([{ status: 200, answered: [] }]);
  });

  it('an answer scored below the minimum is a guess: undefined (and the minimum is a setting)', async () => {
    const noisy: PostalAddress = {
      ...republique,
      street: '12 Rue de la République bâtiment B escalier C appartement 4 interphone Martin code 1234',
    };

    expect(await geocoderWith().geocode(noisy)).toBeUndefined();
    const [best] = fake.requests[0]?.answered ?? [];
    expect(best?.type).toBe('housenumber');
    expect(best?.score).toBeLessThan(0.6);

    expect(await geocoderWith({ minimumScore: 0.5 }).geocode(noisy)).toMatchObject({
      precision: 'housenumber',
    });
  });

  it('only the municipality found: not precise enough to reach a door, so undefined', async () => {
    const found = await geocoderWith({ minimumScore: 0.3 }).geocode({
      ...republique,
      street: '7 Impasse des Inconnus',
    });

    expect(found).toBeUndefined();
    const [best] = fake.requests[0]?.answered ?? [];
    expect(best?.type).toBe('municipality');
    expect(best?.score).toBeGreaterThan(0.3);
  });

  it('throttled (429 with retry-after): waits at least what the service asks, then finds', async () => {
    fake.throttle(2, 5);

    const found = await geocoderWith().geocode(republique);

    expect(found?.precision).toBe('housenumber');
    expect(fake.requests.map((request) => request.status)).toEqual([429, 429, 200]);
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(5000);
  });

  it('throttled for longer than its attempts: a clear error, after a bounded number of tries', async () => {
    fake.throttle(100, 1);

    const failure = await geocoderWith({ backoff: { maxAttempts: 3 } })
      .geocode(republique)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GeocoderError);
    expect(failure).toMatchObject({ kind: 'throttled', status: 429 });
    expect((failure as Error).message).toMatch(/rate limit after 3 attempts/);
    expect(fake.requests).toHaveLength(3);
  });

  it('a 5xx is retried with growing, jittered waits; one that lasts is an error', async () => {
    fake.failing(2, 503);
    expect(await geocoderWith({ backoff: { baseDelayMs: 400 } }).geocode(republique)).toBeDefined();
    // Equal jitter: half the step fixed, half random (0.5 here).
    expect(waits).toEqual([300, 600]);

    fake.failing(100, 502);
    const failure = await geocoderWith({ backoff: { maxAttempts: 2 } })
      .geocode(republique)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'unavailable', status: 502 });
    expect((failure as Error).message).toMatch(/answered 502/);
  });

  it('down: a clear error, not a hang', async () => {
    fake.down();

    const failure = await geocoderWith({ backoff: { maxAttempts: 2 } })
      .geocode(republique)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GeocoderError);
    expect(failure).toMatchObject({ kind: 'unavailable' });
    expect((failure as Error).message).toMatch(/unreachable/);
    expect(fake.requests).toHaveLength(2);
  });

  it('too slow: each request times out, then a clear error', async () => {
    fake.slow(2000);

    const started = Date.now();
    const failure = await geocoderWith({ timeoutMs: 100, backoff: { maxAttempts: 2 } })
      .geocode(republique)
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ kind: 'unavailable' });
    expect((failure as Error).message).toMatch(/did not answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('hostile input travels URL-encoded as text: no markup, no extra parameters', async () => {
    const found = await geocoderWith().geocode({
      ...republique,
      street: '<b>12 Rue de la République</b>&postcode=75001&limit=50',
    });

    const [request] = fake.requests;
    expect(request?.rawUrl).not.toMatch(/[<> ]/);
    expect(request?.rawUrl).not.toContain('&postcode=75001');
    expect(request?.query).toEqual({
      q: 'b>12 Rue de la République</b>&postcode=75001&limit=50 25000 Besançon',
      postcode: '25000',
      limit: '1',
      autocomplete: '0',
    });
    expect(request?.status).toBe(200);
    expect(found?.label).toBe('12 Rue de la République 25000 Besançon');
  });

  it('a very long street is cut to what the service takes (200 characters), keeping the postcode and town', async () => {
    const found = await geocoderWith().geocode({
      ...republique,
      street: `12 Rue de la République ${'très longue '.repeat(500)}`,
    });

    const q = fake.requests[0]?.query.q ?? '';
    expect(Array.from(q).length).toBeLessThanOrEqual(200);
    expect(q.startsWith('12 Rue de la République très longue')).toBe(true);
    expect(q.endsWith(' 25000 Besançon')).toBe(true);
    expect(fake.requests[0]?.status).toBe(200);
    expect(found === undefined || found.precision === 'housenumber').toBe(true);
  });

  it('the fake refuses what the service refuses: a query not starting with a letter or digit', async () => {
    const response = await fetch(`${fake.baseUrl}/search?q=${encodeURIComponent('<b>12 rue')}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 400, message: 'Failed parsing query' });
  });

  it('the query: leading punctuation dropped, spaces folded, nothing sent when there is nothing to look for', () => {
    expect(banQueryOf({ ...republique, street: ' -- 12   Rue de la\tRépublique ' })).toBe(
      '12 Rue de la République 25000 Besançon',
    );
    expect(banQueryOf({ street: '¤', postalCode: '', city: '' })).toBeUndefined();
  });

  it('settings: no GEOCODER_URL, no geocoder (the local default); with one, it answers', async () => {
    expect(geocoderFrom({})).toBeUndefined();

    const geocoder = geocoderFrom({ GEOCODER_URL: fake.baseUrl, GEOCODER_TIMEOUT_SECONDS: 5 });
    expect(await geocoder?.geocode(republique)).toMatchObject({ precision: 'housenumber' });
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { routeGpx, xmlEscape, type RouteGpxInput } from './gpx.ts';
import type { RoundStop } from './stops.ts';

// The official GPX 1.1 schema, vendored (tests/schemas/gpx-1.1.xsd); xmllint comes from Debian's
// libxml2-utils, installed by infra/local/tools.ts for the test run.
const schema = fileURLToPath(new URL('../../tests/schemas/gpx-1.1.xsd', import.meta.url));
const xmllint = '/usr/bin/xmllint';
const workDir = mkdtempSync(join(tmpdir(), 'cocagne-gpx-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let files = 0;
function lint(document: string, ...args: string[]): { ok: boolean; output: string } {
  if (!existsSync(xmllint)) {
    throw new Error(`${xmllint} is missing: install Debian's libxml2-utils (npm test installs it).`);
  }
  const path = join(workDir, `route-${(files += 1)}.gpx`);
  writeFileSync(path, document, 'utf8');
  const run = spawnSync(xmllint, [...args, path], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}
const validate = (document: string) => lint(document, '--noout', '--schema', schema);
/** The text of the nodes an XPath selects (GPX elements by local name), as xmllint reads the file. */
function read(document: string, xpath: string): string {
  const result = lint(document, '--xpath', xpath);
  expect(result.ok, result.output).toBe(true);
  // xmllint ends a string or number result with a newline of its own.
  return result.output.replace(/\n$/, '');
}

const hostile = '<script>alert("x")</script> & Tom\'s "farm" ]]> <!-- -->';
const controls = 'Bel\u0000le\u0007 Vue\u001b\uffff\ud800 🥕';

function stop(id: string, overrides: Partial<RoundStop> = {}): RoundStop {
  return {
    id,
    kind: 'home',
    depotId: 'home-delivery',
    name: id,
    location: { lat: 47.24, lng: 6.02 },
    baskets: { small: 1, medium: 0, large: 0 },
    serviceSeconds: 180,
    ...overrides,
  };
}

function input(overrides: Partial<RouteGpxInput> = {}): RouteGpxInput {
  const stops: RoundStop[] = [
    stop('depot.mairie', {
      kind: 'depot',
      depotId: 'mairie',
      name: hostile,
      address: { street: '1 place <b>de la</b> Mairie & co', postalCode: '25000', city: 'Besançon' },
      location: { lat: 47.2378, lng: 6.0241 },
      window: { start: 17 * 3600, end: 19 * 3600 },
      baskets: { small: 2, medium: 1, large: 3 },
      phone: '+33612345678',
      accessNotes: 'Code 12#34 <derrière la grange> & "sonner"',
    }),
    stop('home.nowhere', { name: 'Pas encore placé' }),
    stop('home.s1', {
      name: controls,
      // Tiny coordinates are written as decimals: 1e-7 would be refused by the schema.
      location: { lat: 0.0000001, lng: -0.0000042 },
      accessNotes: 'porte\u0008bleue\ttab\nligne',
    }),
  ];
  const { location: _placedNowhere, ...unplaced } = stops[1] as RoundStop;
  stops[1] = unplaced;
  return {
    gardenName: 'Jardin <Cocagne> & "fils"',
    date: '2026-06-11',
    vehicle: {
      name: 'Kangoo <1>',
      driverName: "Léa d'Ornans",
      start: { lat: 47.3, lng: 6.1 },
      end: { lat: 47.31, lng: 179.99999999 },
    },
    route: {
      stops: [
        {
          stopId: 'depot.mairie',
          arrival: 19 * 3600 + 600,
          departure: 19 * 3600 + 1200,
          distance: 4000,
          late: { byMinutes: 10, reason: 'window-closed' },
        },
        { stopId: 'home.nowhere', arrival: 0, departure: 0, distance: 0 },
        { stopId: 'home.s1', arrival: 20 * 3600, departure: 20 * 3600 + 180, distance: 9000 },
      ],
    },
    stops,
    generatedAt: new Date('2026-06-10T16:00:00.000Z'),
    ...overrides,
  };
}

describe('xmlEscape', () => {
  it('escapes markup and drops what XML 1.0 cannot carry', () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(xmlEscape(controls)).toBe('Belle Vue 🥕');
    expect(xmlEscape('tab\tline\ncr\r')).toBe('tab\tline\ncr\r');
  });
});

describe('routeGpx', () => {
  it('validates against the GPX 1.1 schema, hostile names and all', () => {
    const gpx = routeGpx(input());
    const result = validate(gpx);
    expect(result.output).toContain('validates');
    expect(result.ok).toBe(true);
    expect(validate(routeGpx(input({ locale: 'en' }))).ok).toBe(true);
  });

  it('keeps names as text: what a GPS app reads back is what staff typed, less the forbidden characters', () => {
    const gpx = routeGpx(input());
    expect(gpx).not.toContain('<script>');
    expect(gpx).not.toContain('<b>');
    const wpt = "//*[local-name()='wpt']";
    expect(read(gpx, `string(${wpt}[1]/*[local-name()='name'])`)).toBe(`1. ${hostile}`);
    expect(read(gpx, `string(${wpt}[2]/*[local-name()='name'])`)).toBe('3. Belle Vue 🥕');
    expect(read(gpx, `string(${wpt}[1]/*[local-name()='cmt'])`)).toBe(
      'Code 12#34 <derrière la grange> & "sonner"',
    );
    expect(read(gpx, `string(${wpt}[2]/*[local-name()='cmt'])`)).toBe('portebleue\ttab\nligne');
    expect(read(gpx, "string(//*[local-name()='metadata']/*[local-name()='name'])")).toBe(
      'Jardin <Cocagne> & "fils" – tournée du jeudi 11 juin 2026',
    );
  });

  it('gives a waypoint per placed stop in route order, with address, window and baskets, and its type', () => {
    const gpx = routeGpx(input());
    const wpt = "//*[local-name()='wpt']";
    expect(read(gpx, `count(${wpt})`)).toBe('2');
    expect(read(gpx, `string(${wpt}[1]/@lat)`)).toBe('47.2378');
    expect(read(gpx, `string(${wpt}[1]/@lon)`)).toBe('6.0241');
    expect(read(gpx, `string(${wpt}[1]/*[local-name()='type'])`)).toBe('depot');
    expect(read(gpx, `string(${wpt}[2]/*[local-name()='type'])`)).toBe('home');
    expect(read(gpx, `string(${wpt}[1]/*[local-name()='desc'])`)).toBe(
      [
        '1 place <b>de la</b> Mairie & co, 25000 Besançon',
        'Arrivée prévue 19:10 (en retard de 10 min)',
        'Créneau 17:00–19:00',
        '6 paniers (2 petits, 1 moyen, 3 grands)',
        'Tél. +33612345678',
      ].join('\n'),
    );
    expect(read(gpx, `string(${wpt}[2]/@lat)`)).toBe('0');
    expect(read(gpx, `string(${wpt}[2]/@lon)`)).toBe('-0.000004');
    const english = routeGpx(input({ locale: 'en' }));
    expect(read(english, `string(${wpt}[2]/*[local-name()='desc'])`)).toBe(
      'Expected at 20:00\n1 basket (1 small)',
    );
  });

  it('routes through the start, the placed stops and the end', () => {
    const gpx = routeGpx(input());
    const rtept = "//*[local-name()='rte']/*[local-name()='rtept']";
    expect(read(gpx, `count(${rtept})`)).toBe('4');
    expect(read(gpx, `string(${rtept}[1]/*[local-name()='name'])`)).toBe('Départ');
    expect(read(gpx, `string(${rtept}[2]/*[local-name()='name'])`)).toBe(`1. ${hostile}`);
    expect(read(gpx, `string(${rtept}[4]/*[local-name()='name'])`)).toBe('Retour');
    // 179.99999999° rounds to 180°, which the schema writes -180°.
    expect(read(gpx, `string(${rtept}[4]/@lon)`)).toBe('-180');
    expect(read(gpx, "string(//*[local-name()='rte']/*[local-name()='name'])")).toBe(
      "Kangoo <1> (Léa d'Ornans)",
    );
    expect(read(gpx, "string(//*[local-name()='metadata']/*[local-name()='time'])")).toBe(
      '2026-06-10T16:00:00.000Z',
    );
  });

  it('is a valid file for a route with no stop', () => {
    const gpx = routeGpx(input({ route: { stops: [] } }));
    expect(validate(gpx).ok).toBe(true);
    expect(read(gpx, "count(//*[local-name()='wpt'])")).toBe('0');
  });

  it('is checked for real: xmllint refuses broken documents', () => {
    const gpx = routeGpx(input());
    // A name written without escaping is not even well-formed.
    expect(validate(gpx.replace('1. &lt;script&gt;', '1. <script>')).ok).toBe(false);
    // A control character that XML 1.0 forbids.
    expect(validate(gpx.replace('Belle Vue', 'Belle&#x1b;Vue')).ok).toBe(false);
    // Well-formed but off the schema: a longitude of 180, an exponent, a waypoint after the route.
    expect(validate(gpx.replace('lon="-180"', 'lon="180"')).ok).toBe(false);
    expect(validate(gpx.replace('lat="0"', 'lat="1e-7"')).ok).toBe(false);
    const waypoint = /<wpt [^]*?<\/wpt>/.exec(gpx)?.[0] ?? '';
    expect(validate(gpx.replace('</gpx>', `${waypoint}</gpx>`)).ok).toBe(false);
  });
});

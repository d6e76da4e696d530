import { describe, expect, it } from 'vitest';
import type { ScheduledDelivery } from './delivery-schedule.ts';
import {
  deliveriesCalendar,
  deliveryUid,
  type DeliveriesCalendarInput,
  type FeedDelivery,
} from './ical-feed.ts';

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}
interface Component {
  name: string;
  properties: Property[];
  components: Component[];
}

/**
 * A small, strict RFC 5545 reader: it refuses what calendar apps may choke on instead of
 * tolerating it. CRLF only, physical lines of 75 octets at most, each valid UTF-8 on its own,
 * no control characters, no empty values, TEXT escaping, BEGIN/END nesting, and the
 * properties that VCALENDAR and VEVENT require (once each).
 */
function parseStrict(text: string): Component {
  expect(text.endsWith('\r\n'), 'the calendar ends with CRLF').toBe(true);
  expect(/\r(?!\n)|(?<!\r)\n/.test(text), 'no bare CR or LF').toBe(false);
  const bytes = Buffer.from(text, 'utf8');
  const physical: string[] = [];
  let start = 0;
  for (let index = 0; index < bytes.length - 1; index++) {
    if (bytes[index] === 0x0d && bytes[index + 1] === 0x0a) {
      const line = bytes.subarray(start, index);
      expect(line.length, `line of ${line.length} octets: ${line.toString()}`).toBeLessThanOrEqual(75);
      // A fold inside a multi-byte character would make this line invalid UTF-8.
      physical.push(new TextDecoder('utf-8', { fatal: true }).decode(line));
      start = index + 2;
      index++;
    }
  }
  expect(start, 'nothing after the last CRLF').toBe(bytes.length);

  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      expect(logical.length, 'a continuation line follows a line').toBeGreaterThan(0);
      logical[logical.length - 1] += line.slice(1);
    } else {
      logical.push(line);
    }
  }

  const contentLine =
    /^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"\p{Cc}]*"|[^";:,\p{Cc}]*)(?:,(?:"[^"\p{Cc}]*"|[^";:,\p{Cc}]*))*)*):(.*)$/u;
  const root: Component = { name: '', properties: [], components: [] };
  const stack: Component[] = [root];
  for (const line of logical) {
    const match = contentLine.exec(line);
    expect(match, `a content line: ${line}`).not.toBeNull();
    const [, rawName = '', rawParams = '', value = ''] = match ?? [];
    const name = rawName.toUpperCase();
    expect(value, `${name} has a value`).not.toBe('');
    expect(/[^\P{Cc}\t]/u.test(value), `${name} has no control character`).toBe(false);
    const current = stack.at(-1);
    if (!current) throw new Error('END without BEGIN');
    if (name === 'BEGIN') {
      const component: Component = { name: value, properties: [], components: [] };
      current.components.push(component);
      stack.push(component);
      continue;
    }
    if (name === 'END') {
      expect(value, 'END closes the open component').toBe(current.name);
      stack.pop();
      continue;
    }
    const params = Object.fromEntries(
      rawParams
        .split(';')
        .filter(Boolean)
        .map((param) => param.split('=') as [string, string]),
    );
    if (['SUMMARY', 'DESCRIPTION', 'LOCATION', 'X-WR-CALNAME', 'X-WR-CALDESC'].includes(name)) {
      // A single TEXT value: commas and semicolons escaped, only known escapes.
      expect(/(?<!\\)(?:\\\\)*[,;]/.test(value), `${name} escapes , and ;: ${value}`).toBe(false);
      expect(/\\[^\\;,nN]/.test(value.replace(/\\\\/g, '')), `${name} uses known escapes`).toBe(false);
    }
    current.properties.push({ name, params, value });
  }
  expect(stack, 'every BEGIN has its END').toHaveLength(1);
  expect(root.components.map((component) => component.name)).toEqual(['VCALENDAR']);
  const calendar = root.components[0] as Component;
  expect(physical[0]).toBe('BEGIN:VCALENDAR');

  const once = (component: Component, name: string) => {
    const found = component.properties.filter((property) => property.name === name);
    expect(found, `${component.name} has one ${name}`).toHaveLength(1);
    return found[0] as Property;
  };
  expect(once(calendar, 'VERSION').value).toBe('2.0');
  once(calendar, 'PRODID');
  const dateValue = /^\d{8}$/;
  const utcDateTime = /^\d{8}T\d{6}Z$/;
  const uids = new Set<string>();
  for (const event of calendar.components) {
    expect(event.name).toBe('VEVENT');
    const uid = once(event, 'UID').value;
    expect(uids.has(uid), `UID ${uid} is unique`).toBe(false);
    uids.add(uid);
    expect(once(event, 'DTSTAMP').value).toMatch(utcDateTime);
    const start = once(event, 'DTSTART');
    const end = event.properties.find((property) => property.name === 'DTEND');
    expect(event.properties.some((property) => property.name === 'DURATION') && end).toBeFalsy();
    for (const instant of [start, end]) {
      if (!instant) continue;
      if (instant.params.VALUE === 'DATE') expect(instant.value).toMatch(dateValue);
      else expect(instant.value).toMatch(utcDateTime);
    }
    if (end) {
      expect(end.params.VALUE).toBe(start.params.VALUE);
      expect(end.value > start.value, 'the event ends after it starts').toBe(true);
    }
  }
  return calendar;
}

const property = (component: Component | undefined, name: string) =>
  component?.properties.find((candidate) => candidate.name === name)?.value;
const unescape = (value: string | undefined) =>
  (value ?? '').replace(/\\([\\;,nN])/g, (_match, escaped: string) =>
    escaped === 'n' || escaped === 'N' ? '\n' : escaped,
  );
const eventOn = (calendar: Component, uid: string) =>
  calendar.components.find((event) => property(event, 'UID') === uid);

const chalezeule = {
  name: 'Chalezeule – Au jardin',
  address: '3 chemin des Prés-de-Vaux, 25220 Chalezeule',
  location: { lat: 47.2639, lng: 6.0722 },
  pickupWindow: { start: '16:00', end: '19:00' },
};
const subscriptionId = 'm-3f9c2a7e1b4d.2026-05-05';

function delivery(date: string, overrides: Partial<FeedDelivery> = {}): FeedDelivery {
  const base: ScheduledDelivery = {
    date,
    depotId: 'd-chalezeule',
    basketSize: 'medium',
    baskets: 1,
    state: 'delivery',
    changeableUntil: `${date}T00:00:00.000Z`,
  };
  return { ...base, subscriptionId, depot: chalezeule, ...overrides };
}

function calendarOf(overrides: Partial<DeliveriesCalendarInput> = {}): string {
  return deliveriesCalendar({
    gardenName: 'Jardin de Cocagne du Val du Doubs',
    memberFirstName: 'Élodie',
    timeZone: 'Europe/Paris',
    generatedAt: new Date('2026-05-20T08:00:00Z'),
    deliveries: [
      delivery('2026-06-02', { changeableUntil: '2026-05-30T22:00:00.000Z' }),
      delivery('2026-06-09', { changeableUntil: '2026-06-06T22:00:00.000Z' }),
      delivery('2026-06-16', { state: 'paused', baskets: 0 }),
      delivery('2026-12-08', { basketSize: 'large', baskets: 2 }),
    ],
    feedUrl: 'https://cocagne.example.org/api/calendar/secret-token.ics',
    ...overrides,
  });
}

describe('deliveriesCalendar', () => {
  it('writes valid RFC 5545: CRLF, 75-octet lines, required properties, escaped text', () => {
    const text = calendarOf();
    const calendar = parseStrict(text);
    expect(property(calendar, 'PRODID')).toBe('-//Jardins de Cocagne//Cocagne//FR');
    expect(property(calendar, 'METHOD')).toBe('PUBLISH');
    expect(unescape(property(calendar, 'X-WR-CALNAME'))).toBe(
      'Mes paniers – Jardin de Cocagne du Val du Doubs',
    );
    expect(property(calendar, 'SOURCE')).toBe('https://cocagne.example.org/api/calendar/secret-token.ics');
    // Lines did need folding: the check above saw folded lines, not only short ones.
    expect(text).toMatch(/\r\n /);
  });

  it('gives one event per delivery day, leaves paused days out, and counts baskets in the title', () => {
    const calendar = parseStrict(calendarOf());
    expect(calendar.components.map((event) => property(event, 'UID'))).toEqual([
      `delivery-${subscriptionId}-2026-06-02@cocagne`,
      `delivery-${subscriptionId}-2026-06-09@cocagne`,
      `delivery-${subscriptionId}-2026-12-08@cocagne`,
    ]);
    const first = eventOn(calendar, deliveryUid(subscriptionId, '2026-06-02'));
    expect(unescape(property(first, 'SUMMARY'))).toBe('Panier moyen – Chalezeule – Au jardin');
    expect(property(first, 'STATUS')).toBe('CONFIRMED');
    expect(unescape(property(first, 'LOCATION'))).toBe(
      'Chalezeule – Au jardin, 3 chemin des Prés-de-Vaux, 25220 Chalezeule',
    );
    expect(property(first, 'GEO')).toBe('47.2639;6.0722');
    expect(unescape(property(first, 'DESCRIPTION'))).toBe(
      'Retrait de 16 h à 19 h à Chalezeule – Au jardin, 3 chemin des Prés-de-Vaux, 25220 Chalezeule.\n' +
        "Absent ce jour-là ? Signalez-le depuis votre espace adhérent jusqu'au samedi 30 mai inclus.\n" +
        'Jardin de Cocagne du Val du Doubs',
    );
    const double = eventOn(calendar, deliveryUid(subscriptionId, '2026-12-08'));
    expect(unescape(property(double, 'SUMMARY'))).toBe('2 grands paniers – Chalezeule – Au jardin');
  });

  it('keeps UIDs across generations and cancels the event of a reported absence', () => {
    const before = parseStrict(calendarOf());
    const after = parseStrict(
      calendarOf({
        generatedAt: new Date('2026-05-21T09:30:00Z'),
        deliveries: [
          delivery('2026-06-02', { changeableUntil: '2026-05-30T22:00:00.000Z' }),
          delivery('2026-06-09', { state: 'absent', baskets: 0 }),
          delivery('2026-06-16', { state: 'paused', baskets: 0 }),
          delivery('2026-12-08', { basketSize: 'large', baskets: 2 }),
        ],
      }),
    );
    const uids = (calendar: Component) => calendar.components.map((event) => property(event, 'UID'));
    expect(uids(after)).toEqual(uids(before));
    const uid = deliveryUid(subscriptionId, '2026-06-09');
    expect(property(eventOn(before, uid), 'STATUS')).toBe('CONFIRMED');
    const cancelled = eventOn(after, uid);
    expect(property(cancelled, 'STATUS')).toBe('CANCELLED');
    expect(unescape(property(cancelled, 'SUMMARY'))).toBe(
      'Absence signalée – Panier moyen – Chalezeule – Au jardin',
    );
    // Until its cutoff, the member may still take the absence back, said as everywhere else.
    expect(unescape(property(cancelled, 'DESCRIPTION'))).toContain(
      "Finalement présent ? Annulez l'absence depuis votre espace adhérent jusqu'au mardi 9 juin inclus.",
    );
    expect(property(cancelled, 'DTSTAMP')).toBe('20260521T093000Z');
    expect(property(eventOn(before, uid), 'DTSTAMP')).toBe('20260520T080000Z');
  });

  it('writes pick-up windows in UTC: Paris is UTC+2 in summer, UTC+1 in winter, and across the changes', () => {
    const calendar = parseStrict(
      calendarOf({
        deliveries: [
          delivery('2026-06-02'),
          delivery('2026-12-08'),
          // Sundays of the daylight-saving changes.
          delivery('2026-10-25'),
          delivery('2027-03-28'),
        ],
      }),
    );
    const times = (date: string) => {
      const event = eventOn(calendar, deliveryUid(subscriptionId, date));
      return [property(event, 'DTSTART'), property(event, 'DTEND')];
    };
    expect(times('2026-06-02')).toEqual(['20260602T140000Z', '20260602T170000Z']);
    expect(times('2026-12-08')).toEqual(['20261208T150000Z', '20261208T180000Z']);
    expect(times('2026-10-25')).toEqual(['20261025T150000Z', '20261025T180000Z']);
    expect(times('2027-03-28')).toEqual(['20270328T140000Z', '20270328T170000Z']);
  });

  it('makes an all-day event when the depot has no pick-up window', () => {
    const depot = {
      name: 'Ornans – Place Courbet',
      address: '1 place Courbet, 25290 Ornans',
      openingHours: '16 h – 18 h',
    };
    const calendar = parseStrict(calendarOf({ deliveries: [delivery('2026-12-08', { depot })] }));
    const event = calendar.components[0];
    const start = event?.properties.find((candidate) => candidate.name === 'DTSTART');
    expect(start).toEqual({ name: 'DTSTART', params: { VALUE: 'DATE' }, value: '20261208' });
    expect(property(event, 'DTEND')).toBe('20261209');
    expect(property(event, 'GEO')).toBeUndefined();
    expect(unescape(property(event, 'DESCRIPTION'))).toMatch(
      /^Retrait aux horaires du point de dépôt \(16 h – 18 h\)/,
    );
  });

  it('keeps French accents intact in UTF-8, even where a long line is folded', () => {
    const depot = {
      ...chalezeule,
      name: 'Épinal – Crèche « Les Pâquerettes », près de l’église Saint-Étienne',
      address: 'Allée des Œillets, 88000 Épinal',
    };
    const text = calendarOf({
      gardenName: 'Jardin de Cocagne de la Fédération éco-sociale, Épinal; Vosges',
      deliveries: [delivery('2026-12-08', { depot })],
    });
    const calendar = parseStrict(text);
    const event = calendar.components[0];
    expect(unescape(property(event, 'SUMMARY'))).toBe(`Panier moyen – ${depot.name}`);
    expect(unescape(property(event, 'LOCATION'))).toBe(`${depot.name}, ${depot.address}`);
    expect(unescape(property(calendar, 'X-WR-CALNAME'))).toBe(
      'Mes paniers – Jardin de Cocagne de la Fédération éco-sociale, Épinal; Vosges',
    );
    expect(unescape(property(calendar, 'X-WR-CALDESC'))).toContain('Élodie');
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });

  it('keeps UIDs plain when subscription ids carry dots or odd characters', () => {
    expect(deliveryUid('m-abc.2026-05-05', '2026-06-02')).toBe(
      'delivery-m-abc.2026-05-05-2026-06-02@cocagne',
    );
    expect(deliveryUid('m a,b;c', '2026-06-02')).toMatch(/^delivery-[A-Za-z0-9._%-]+-2026-06-02@cocagne$/);
  });

  it('has a checker that bites: long lines, bare LF, missing UID, unescaped comma, empty value', () => {
    const valid = calendarOf({ deliveries: [delivery('2026-12-08')] });
    expect(() => parseStrict(valid)).not.toThrow();
    const broken = [
      // 75 characters but more octets: what `ics` alone would write.
      valid.replace('SUMMARY:', `X-LONG:${'é'.repeat(60)}\r\nSUMMARY:`),
      valid.replace('VERSION:2.0\r\n', 'VERSION:2.0\n'),
      valid.replace(/UID:[^\r]*\r\n/, ''),
      valid.replace('SUMMARY:Panier moyen', 'SUMMARY:Panier, moyen'),
      valid.replace('STATUS:CONFIRMED', 'STATUS:'),
      valid.replace('STATUS:CONFIRMED', 'STATUS:CONF\u0007IRMED'),
      valid.replace('END:VEVENT\r\n', ''),
    ];
    for (const text of broken) {
      expect(text).not.toBe(valid);
      expect(() => parseStrict(text)).toThrow();
    }
  });

  it('writes a valid empty calendar when nothing is coming', () => {
    const calendar = parseStrict(calendarOf({ deliveries: [], feedUrl: undefined }));
    expect(calendar.components).toEqual([]);
    expect(property(calendar, 'SOURCE')).toBeUndefined();
  });
});

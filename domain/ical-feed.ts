import { createEvents, type DateArray, type EventAttributes } from 'ics';
import { addDays, type IsoDate } from './calendar.ts';
import { changeDeadline } from './change-deadline.ts';
import { offsetMinutes, startOfDayIn } from './delivery-calendar.ts';
import type { ScheduledDelivery } from './delivery-schedule.ts';
import { basketSizeLabels, type BasketSize } from './subscription.ts';

/** What a member's calendar shows of a depot. */
export interface FeedDepot {
  name: string;
  /** One line: "1 place Pasteur, 25000 Besançon". */
  address: string;
  location?: { lat: number; lng: number } | undefined;
  /** Times of day in garden time, "17:00" to "19:00"; without it the event lasts all day. */
  pickupWindow?: { start: string; end: string } | undefined;
  /** The depot's hours as staff typed them ("17 h – 19 h"), told when there is no window. */
  openingHours?: string | undefined;
}

export type FeedDelivery = ScheduledDelivery & { subscriptionId: string; depot: FeedDepot };

export interface DeliveriesCalendarInput {
  gardenName: string;
  memberFirstName: string;
  deliveries: readonly FeedDelivery[];
  /** The garden's time zone: pick-up windows are in it. */
  timeZone: string;
  /** When the feed is produced: every event's DTSTAMP. */
  generatedAt: Date;
  /** The feed's own address, announced as its SOURCE (RFC 7986). */
  feedUrl?: string | undefined;
}

const productId = '-//Jardins de Cocagne//Cocagne//FR';

const pluralLabels: Readonly<Record<BasketSize, string>> = {
  small: 'petits paniers',
  medium: 'paniers moyens',
  large: 'grands paniers',
};

/**
 * The UID of a delivery day of a subscription. It never changes, so a calendar app updates
 * the event (an absence cancels it) instead of adding another one. Subscription ids are
 * entity ids (letters, digits, `.`, `_`, `-`); anything else is percent-encoded to keep the
 * UID plain ASCII without separators.
 */
export function deliveryUid(subscriptionId: string, date: IsoDate): string {
  return `delivery-${encodeURIComponent(subscriptionId)}-${date}@cocagne`;
}

/**
 * A member's upcoming deliveries as an iCalendar feed (RFC 5545), in French: one event per
 * delivery day and subscription, cancelled when the member reported an absence; paused days
 * are left out. Times are written in UTC, so no VTIMEZONE is needed.
 */
export function deliveriesCalendar(input: DeliveriesCalendarInput): string {
  const deliveries = input.deliveries
    .filter((delivery) => delivery.state !== 'paused' && delivery.state !== 'suspended')
    .toSorted((a, b) => a.date.localeCompare(b.date) || a.subscriptionId.localeCompare(b.subscriptionId));
  const events = deliveries.map((delivery) => deliveryEvent(delivery, input));
  const { error, value } = createEvents(events, {
    productId,
    method: 'PUBLISH',
    calName: escapeText(`Mes paniers – ${input.gardenName}`),
  });
  if (error || !value) {
    throw new Error(`The delivery calendar could not be written: ${JSON.stringify(error)}`);
  }
  const extraHeader = [
    `X-WR-CALDESC:${escapeText(
      `Les livraisons de paniers de ${input.memberFirstName} (${input.gardenName}), mises à jour automatiquement.`,
    )}`,
    ...(input.feedUrl ? [`SOURCE;VALUE=URI:${input.feedUrl}`] : []),
  ];
  return refold(value, extraHeader);
}

type FeedEvent = EventAttributes & { timestamp: number };

function deliveryEvent(delivery: FeedDelivery, input: DeliveriesCalendarInput): FeedEvent {
  const { depot } = delivery;
  const absent = delivery.state === 'absent';
  const timed = depot.pickupWindow
    ? windowInstants(delivery.date, depot.pickupWindow, input.timeZone)
    : undefined;
  const when = timed
    ? ({
        start: timed.start,
        startInputType: 'utc',
        startOutputType: 'utc',
        end: timed.end,
        endInputType: 'utc',
        endOutputType: 'utc',
      } as const)
    : { start: dateArray(delivery.date), end: dateArray(addDays(delivery.date, 1)) };
  return {
    uid: deliveryUid(delivery.subscriptionId, delivery.date),
    timestamp: input.generatedAt.getTime(),
    title: absent
      ? `Absence signalée – ${basketSizeLabels[delivery.basketSize].fr} – ${depot.name}`
      : summaryOf(delivery),
    description: descriptionOf(delivery, input),
    location: `${depot.name}, ${depot.address}`,
    ...(depot.location ? { geo: { lat: depot.location.lat, lon: depot.location.lng } } : {}),
    status: absent ? 'CANCELLED' : 'CONFIRMED',
    // A pick-up window does not make the member busy for the rest of their calendar.
    transp: 'TRANSPARENT',
    ...when,
  };
}

function summaryOf(delivery: FeedDelivery): string {
  const baskets =
    delivery.baskets > 1
      ? `${delivery.baskets} ${pluralLabels[delivery.basketSize]}`
      : basketSizeLabels[delivery.basketSize].fr;
  return `${baskets} – ${delivery.depot.name}`;
}

function descriptionOf(delivery: FeedDelivery, input: DeliveriesCalendarInput): string {
  const { depot } = delivery;
  const lines: string[] = [];
  const changeable = Date.parse(delivery.changeableUntil) > input.generatedAt.getTime();
  if (delivery.state === 'absent') {
    lines.push(`Vous avez signalé votre absence : pas de panier pour vous ce jour-là à ${depot.name}.`);
    if (changeable) {
      lines.push(
        `Finalement présent ? Annulez l'absence depuis votre espace adhérent ${changeDeadline(delivery.changeableUntil, input.timeZone).fr}.`,
      );
    }
  } else {
    const hours = depot.pickupWindow
      ? `de ${frenchTime(depot.pickupWindow.start)} à ${frenchTime(depot.pickupWindow.end)}`
      : depot.openingHours
        ? `aux horaires du point de dépôt (${depot.openingHours})`
        : 'aux horaires du point de dépôt';
    lines.push(`Retrait ${hours} à ${depot.name}, ${depot.address}.`);
    if (delivery.baskets > 1) {
      lines.push(`Vous recevez ${delivery.baskets} paniers ce jour-là pour compenser une absence.`);
    }
    if (changeable) {
      lines.push(
        `Absent ce jour-là ? Signalez-le depuis votre espace adhérent ${changeDeadline(delivery.changeableUntil, input.timeZone).fr}.`,
      );
    } else {
      lines.push('Cette livraison ne peut plus être modifiée.');
    }
  }
  lines.push(input.gardenName);
  return lines.join('\n');
}

/** "16:30" → "16 h 30", "17:00" → "17 h". */
function frenchTime(time: string): string {
  const [hours = '0', minutes = '00'] = time.split(':');
  return minutes === '00' ? `${Number(hours)} h` : `${Number(hours)} h ${minutes}`;
}

/** The pick-up window of a day as UTC instants (ms), or undefined when it is not a window. */
function windowInstants(
  day: IsoDate,
  window: { start: string; end: string },
  timeZone: string,
): { start: number; end: number } | undefined {
  const start = gardenTimeToInstant(day, window.start, timeZone);
  const end = gardenTimeToInstant(day, window.end, timeZone);
  if (start === undefined || end === undefined || end <= start) return undefined;
  return { start, end };
}

function gardenTimeToInstant(day: IsoDate, time: string, timeZone: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > 24 * 60) return undefined;
  const midnight = startOfDayIn(day, timeZone);
  const naive = midnight.getTime() + minutes * 60_000;
  // On a daylight-saving change day, times after the change move by the difference.
  return naive + (offsetMinutes(midnight, timeZone) - offsetMinutes(new Date(naive), timeZone)) * 60_000;
}

function dateArray(day: IsoDate): DateArray {
  const [year = 0, month = 0, date = 0] = day.split('-').map(Number);
  return [year, month, date];
}

/** TEXT value escaping (RFC 5545, 3.3.11), for the properties `ics` writes as given. */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/**
 * `ics` folds lines at 75 characters, but RFC 5545 counts octets: accented French takes two
 * or three per character. Unfold, add the header lines `ics` cannot write, and fold again at
 * 75 octets without cutting a UTF-8 sequence.
 */
function refold(calendar: string, extraHeader: readonly string[]): string {
  const lines = calendar
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((line) => line !== '');
  const firstEvent = lines.indexOf('BEGIN:VEVENT');
  const headerEnd = firstEvent === -1 ? lines.lastIndexOf('END:VCALENDAR') : firstEvent;
  lines.splice(headerEnd, 0, ...extraHeader);
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

function foldLine(line: string): string {
  const segments: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const character of line) {
    const size = utf8Length(character.codePointAt(0) ?? 0);
    if (octets + size > limit) {
      segments.push(current);
      current = '';
      octets = 0;
      // Continuation lines start with a space, which counts.
      limit = 74;
    }
    current += character;
    octets += size;
  }
  segments.push(current);
  return segments.join('\r\n ');
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

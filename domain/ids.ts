import Type from 'typebox';
import { monthPattern } from './calendar.ts';
import { isoWeekPattern } from './iso-weeks.ts';
import { CocagneError } from './errors.ts';
import type { Localized } from './locale.ts';

/**
 * Identifiers are opaque and carry no personal data: they end up in workflow IDs, logs and
 * URLs. Garden ids are slugs chosen at provisioning ("val-du-doubs"); members, depots and
 * products get a prefix and random letters ("m-3f9c2a7e1b4d", "d-chalezeule"); a
 * subscription is its member and start day ("m-demo-0001.2026-03-03").
 *
 * Every id that reaches the API is checked against these patterns before any handler runs,
 * and the same patterns are in the API description and the web app's forms.
 */

/**
 * Names that every JavaScript object inherits. Records keyed by ids are plain objects once
 * they have crossed JSON: an id spelled like one of these would find what the object
 * inherits instead of a record, so no id may be one of them.
 */
export const reservedIds = [
  'constructor',
  'prototype',
  '__proto__',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
] as const;

const notReserved = `(?!(?:${reservedIds.join('|')})$)`;

/** Words of letters and digits joined by single dashes, 3 to 40 characters in all. */
export const gardenIdPattern = `^${notReserved}(?!.*--)[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$`;
export const entityIdPattern = `^${notReserved}[a-zA-Z0-9][a-zA-Z0-9._-]{0,79}$`;
/** `<memberId>.<startDate>`: a member starts at most one subscription on a given day. */
export const subscriptionIdPattern = `^(?!(?:${reservedIds.join('|')})\\.)[a-zA-Z0-9][a-zA-Z0-9._-]{0,79}\\.20\\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])$`;
/** The secret of a member's calendar feed: 32 random bytes, base64url. */
export const calendarTokenPattern = '^[A-Za-z0-9_-]{43}$';
/** A page cursor is base64url text made by the API (see adapters/store/cursor.ts). */
export const pageCursorPattern = '^[A-Za-z0-9_-]+$';

const gardenIdRegExp = new RegExp(gardenIdPattern);
const entityIdRegExp = new RegExp(entityIdPattern);

export function isReservedId(value: string): boolean {
  return (reservedIds as readonly string[]).includes(value);
}

export function isGardenId(value: string): boolean {
  return value.length >= 3 && value.length <= 40 && gardenIdRegExp.test(value);
}

export function isEntityId(value: string): boolean {
  return entityIdRegExp.test(value);
}

/**
 * Refuses to create a record under an id the API would refuse (a seed, an import, a workflow
 * creating it directly): "constructor" or "toString" never becomes the key of a record.
 */
export function requireEntityId(id: string, what: Localized): void {
  if (isEntityId(id)) return;
  throw new CocagneError('invalid_input', {
    fr: `${what.fr} : l'identifiant « ${id} » n'est pas valide.`,
    en: `${what.en}: the id "${id}" is not valid.`,
  });
}

/** A new random id with a readable prefix: "m-3f9c2a7e1b4d". */
export function newId(prefix: string, random: () => string): string {
  return `${prefix}-${random().replace(/-/g, '').slice(0, 12)}`;
}

// ---- The same rules as schemas, for the API's parameters and bodies and the web app's forms ----

const noPrototypeName = 'never a name every JavaScript object has (constructor, toString, __proto__…)';

export const GardenId = Type.String({
  pattern: gardenIdPattern,
  minLength: 3,
  maxLength: 40,
  description: `A garden's slug: lower-case letters and digits in words joined by "-", 3 to 40 characters; ${noPrototypeName}.`,
});

function entityId(what: string, example: string) {
  return Type.String({
    pattern: entityIdPattern,
    minLength: 1,
    maxLength: 80,
    description: `${what} id ("${example}"): letters, digits, ".", "_" or "-", starting with a letter or digit, at most 80 characters; ${noPrototypeName}.`,
  });
}

export const MemberId = entityId('A member', 'm-3f9c2a7e1b4d');
export const DepotId = entityId('A pick-up point', 'd-chalezeule');
export const ProductId = entityId('A product', 'p-carottes');

export const SubscriptionId = Type.String({
  pattern: subscriptionIdPattern,
  minLength: 12,
  maxLength: 91,
  description: 'A subscription id: its member id, ".", and its start day ("m-demo-0001.2026-03-03").',
});

export const TierId = Type.String({
  pattern: `^${notReserved}[a-z0-9-]{1,40}$`,
  minLength: 1,
  maxLength: 40,
  description: `A solidarity tier's code ("solidaire"): lower-case letters, digits and "-"; ${noPrototypeName}.`,
});

export const InvoiceNumber = Type.Integer({
  minimum: 1,
  maximum: 999_999_999,
  description: 'An invoice number, as printed without its "F-" prefix and zeros (F-000042 is 42).',
});

export const IsoWeek = Type.String({
  pattern: isoWeekPattern,
  minLength: 8,
  maxLength: 8,
  description: 'An ISO week, "2026-W49". A week 53 that the year does not have is not found (404).',
});

export const Month = Type.String({
  pattern: monthPattern,
  minLength: 7,
  maxLength: 7,
  description: 'A month, "2026-11".',
});

export const CalendarToken = Type.String({
  pattern: calendarTokenPattern,
  minLength: 43,
  maxLength: 43,
  description: "The secret of a member's calendar feed, as its address gives it.",
});

export const PageCursor = Type.String({
  pattern: pageCursorPattern,
  minLength: 1,
  maxLength: 2000,
  description: 'Where the next page starts: the `nextCursor` of the previous page, as it was given.',
});

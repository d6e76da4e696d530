import { formatDay, type IsoDate } from '../calendar.ts';
import type { Locale } from '../locale.ts';
import type { Composed, SmsParts } from './wording.ts';

/** Richest first; each step drops one more optional part. */
const smsVariants: SmsParts[] = [
  { garden: true, name: true, year: true, details: true },
  { garden: true, name: true, year: false, details: true },
  { garden: false, name: true, year: false, details: true },
  { garden: false, name: false, year: false, details: true },
  { garden: false, name: false, year: false, details: false },
];

/**
 * The SMS with its link, in the GSM alphabet, in one SMS (160 characters) whenever the facts
 * allow: optional parts are dropped, richest variant first, until it fits.
 */
export function renderSms(composed: Composed, locale: Locale, link: string): string {
  let sms = '';
  for (const parts of smsVariants) {
    if (composed.smsNeedsDetails && !parts.details) break;
    const day = (date: IsoDate) => (parts.year ? formatDay(date, locale) : dayWithoutYear(date, locale));
    sms = toSmsText(`${composed.sms(parts, day)} ${link}`);
    if (smsLength(sms).segments === 1) return sms;
  }
  // Nothing fits in one SMS (very long names, or a reason that must be said): it goes as several.
  return sms;
}

/** formatDay without the year, for SMS where every character counts. */
function dayWithoutYear(day: IsoDate, locale: Locale): string {
  return formatDay(day, locale).replace(/\s+\d{4}$/, '');
}

// ---- SMS alphabet ----

// GSM 03.38: a text made only of these characters fits 160 per SMS; one other character
// (a typographic apostrophe, "ê") switches the whole SMS to UCS-2 and 70 characters.
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const gsmExtension = new Set('^{}\\[~]|€\f');

const smsReplacements: Array<[RegExp, string]> = [
  [/[\u2018\u2019\u02bc]/g, "'"],
  [/\u00ab[\s\u00a0\u202f]?|[\s\u00a0\u202f]?\u00bb|[\u201c\u201d]/g, '"'],
  [/[\u2013\u2014]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u202f\u2009]/g, ' '],
  [/œ/g, 'oe'],
  [/Œ/g, 'OE'],
  [/×/g, 'x'],
];

/**
 * The text in the GSM alphabet where it can be: typographic signs become plain ones and
 * accents the alphabet lacks are dropped ("ê" → "e"), as French SMS senders usually do. A
 * character with no plain equivalent is kept (the SMS then goes as UCS-2) rather than lost.
 */
export function toSmsText(text: string): string {
  let plain = text;
  for (const [pattern, replacement] of smsReplacements) plain = plain.replace(pattern, replacement);
  return [...plain]
    .map((char) => {
      if (gsmBasic.has(char) || gsmExtension.has(char)) return char;
      const stripped = char.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      return [...stripped].every((c) => gsmBasic.has(c)) ? stripped : char;
    })
    .join('');
}

/** How an SMS is encoded and how many it takes (160 GSM characters or 70 UCS-2 ones per SMS). */
export function smsLength(text: string): { encoding: 'gsm7' | 'ucs2'; units: number; segments: number } {
  const chars = [...text];
  if (chars.every((char) => gsmBasic.has(char) || gsmExtension.has(char))) {
    const units = chars.reduce((sum, char) => sum + (gsmExtension.has(char) ? 2 : 1), 0);
    return { encoding: 'gsm7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

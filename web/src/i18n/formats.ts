import { formatDay, gardenTimeZone, type IsoDate } from '../../../domain/calendar.ts';
import { formatPhone } from '../../../domain/phone.ts';
import { currentLocale } from './index.ts';

const instantFormatters = new Map<string, Intl.DateTimeFormat>();

/** "24 novembre 2026 à 14:05", in the garden's time zone. */
export function formatInstant(iso: string): string {
  const locale = currentLocale();
  let formatter = instantFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: gardenTimeZone,
    });
    instantFormatters.set(locale, formatter);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatter.format(date);
}

/** "mardi 1 décembre 2026". */
export function formatDate(day: IsoDate): string {
  return formatDay(day, currentLocale());
}

/** A stored phone (E.164) the way people read it: "06 12 34 56 78" for French numbers. */
export function formatPhoneNumber(e164: string | undefined): string {
  return e164 ? formatPhone(e164) : '';
}

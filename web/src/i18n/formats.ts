import { formatDay, gardenTimeZone, type IsoDate } from '../../../domain/calendar.ts';
import { formatPhone } from '../../../domain/phone.ts';
import { currentLocale } from './index.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = currentLocale();
  const key = `${name}/${locale}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', options);
    formatters.set(key, formatter);
  }
  return formatter;
}

function instant(iso: string, format: Intl.DateTimeFormat): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format.format(date);
}

/** "24 novembre 2026 à 14:05", in the garden's time zone. */
export function formatInstant(iso: string): string {
  return instant(
    iso,
    formatterFor('instant', { dateStyle: 'long', timeStyle: 'short', timeZone: gardenTimeZone }),
  );
}

/** "dimanche 29 novembre à 00:00": a deadline a few days ahead, in the garden's time zone. */
export function formatDeadline(iso: string): string {
  return instant(
    iso,
    formatterFor('deadline', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: gardenTimeZone,
    }),
  );
}

/** "14:05", garden time. */
export function formatTime(iso: string): string {
  return instant(iso, formatterFor('time', { hour: '2-digit', minute: '2-digit', timeZone: gardenTimeZone }));
}

/** "mardi 1 décembre 2026". */
export function formatDate(day: IsoDate): string {
  return formatDay(day, currentLocale());
}

/** "1 déc." */
export function formatDayMonth(day: IsoDate): string {
  return formatterFor('dayMonth', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** A stored phone (E.164) the way people read it: "06 12 34 56 78" for French numbers. */
export function formatPhoneNumber(e164: string | undefined): string {
  return e164 ? formatPhone(e164) : '';
}

import { formatDay, gardenTimeZone, type IsoDate } from '../calendar.ts';
import type { Locale } from '../locale.ts';
import type { Notification, NotificationCommon, NotificationKind } from './catalogue.ts';

/**
 * What a template hands to the renderers: the subject, the body as blocks (the email renderer
 * turns them into text and HTML), and the SMS as a function of which optional parts fit.
 */

export type Say = (fr: string, en: string) => string;

/** A paragraph, a bulleted list, or key facts shown as a small table. */
export type Block =
  | string
  | { list: string[] }
  | { facts: Array<[label: string, value: string]> }
  /** A sentence leading to an address: a link in the HTML, the address after it in text. */
  | { link: string; text: string };

/** Which optional parts an SMS keeps: dropped one by one until it fits one SMS. */
export interface SmsParts {
  garden: boolean;
  name: boolean;
  year: boolean;
  details: boolean;
}

export interface Composed {
  subject: string;
  blocks: Block[];
  /** The SMS without its link, given which optional parts to keep. */
  sms: (parts: SmsParts, day: (date: IsoDate) => string) => string;
  /** Where the SMS leads, when not to the portal's home (the page the member has to act on). */
  smsLink?: string;
  /** The details are the message itself: sent over several SMS rather than dropped. */
  smsNeedsDetails?: boolean;
  /** A farewell or a refusal does not end with "see you soon". */
  formal?: boolean;
}

/** One kind's message in words. */
export type Template<K extends NotificationKind> = (
  notification: Extract<Notification, { kind: K }>,
  locale: Locale,
) => Composed;

/** The templates of one process, one per kind it sends. */
export type Templates<K extends NotificationKind> = { [P in K]: Template<P> };

export function say(locale: Locale): Say {
  return (fr, en) => (locale === 'fr' ? fr : en);
}

/** The words every template uses: the locale's sentence, a day in full, the SMS opening. */
export function wording(common: NotificationCommon, locale: Locale) {
  return {
    say: say(locale),
    day: (date: IsoDate) => formatDay(date, locale),
    start: (parts: SmsParts, sentence: string) => smsStart(parts, common, sentence, locale),
  };
}

/** The garden's time zone, for a message that gives an hour; Paris for a garden without one. */
export function timeZoneOf(common: NotificationCommon): string {
  return common.timeZone || gardenTimeZone;
}

/** "14 h 05" / "14:05", in the garden's time zone. */
export function formatTime(instant: Date, locale: Locale, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(instant);
  const hour = parts.find((part) => part.type === 'hour')?.value ?? '00';
  const minute = parts.find((part) => part.type === 'minute')?.value ?? '00';
  return locale === 'fr' ? `${hour} h ${minute}` : `${hour}:${minute}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Opens an SMS: the garden's name when kept (the sender shows only "COCAGNE"), the first name
 * when kept, then the sentence, capitalised when no first name comes before it.
 */
function smsStart(parts: SmsParts, data: NotificationCommon, sentence: string, locale: Locale): string {
  const garden = parts.garden ? `${data.gardenName}${locale === 'fr' ? ' : ' : ': '}` : '';
  return parts.name ? `${garden}${data.memberFirstName}, ${sentence}` : `${garden}${capitalize(sentence)}`;
}

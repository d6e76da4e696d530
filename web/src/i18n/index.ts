import { createI18n } from 'vue-i18n';
import type { Locale } from '../../../domain/locale.ts';
import { en } from './en.ts';
import { fr, type Messages } from './fr.ts';

const storageKey = 'cocagne.locale';

function storedLocale(): Locale {
  try {
    const stored = localStorage.getItem(storageKey);
    if (stored === 'fr' || stored === 'en') return stored;
  } catch {
    // Storage can be refused (private mode): French it is.
  }
  return 'fr';
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'fr',
  messages: { fr, en },
  // French counts 0 and 1 as singular ("0 demande en attente"); English only 1.
  pluralRules: {
    fr: (count: number) => (Math.abs(count) <= 1 ? 0 : 1),
    en: (count: number) => (Math.abs(count) === 1 ? 0 : 1),
  },
});

/** The language the person reads, reactive where read inside a component or computed. */
export function currentLocale(): Locale {
  return i18n.global.locale.value;
}

/** Changes the language everywhere: messages, <html lang>, and the next visits. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(storageKey, locale);
  } catch {
    // Not remembered: the choice still holds for this visit.
  }
}

/** Translates outside components (stores, request chain). */
export function translate(key: string, values?: Record<string, unknown>): string {
  return values ? i18n.global.t(key, values) : i18n.global.t(key);
}

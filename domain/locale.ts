/** The product speaks French first; English is available everywhere French is. */
export type Locale = 'fr' | 'en';

export const locales: readonly Locale[] = ['fr', 'en'];

export type Localized = Readonly<Record<Locale, string>>;

/** Each language in its own words, as a person looks for it in a list whatever the page's language. */
export const localeNames: Readonly<Record<Locale, string>> = { fr: 'Français', en: 'English' };

/** Picks the best supported locale from an Accept-Language header or a browser list. */
export function pickLocale(preferences: string | readonly string[] | undefined): Locale {
  const list = typeof preferences === 'string' ? preferences.split(',') : (preferences ?? []);
  for (const entry of list) {
    const tag = entry.split(';')[0]?.trim().toLowerCase().slice(0, 2);
    if (tag === 'fr' || tag === 'en') return tag;
  }
  return 'fr';
}

import { isLegalSlug, isPageSlug, legalPageTitles, legalSlugs } from '../../../../domain/garden-pages.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { foldForSearch } from '../../../../domain/text.ts';

export { isLegalSlug, isPageSlug, legalSlugs };

/** Pages whose older versions members may need (the terms they accepted): the public page links them. */
export const versionedForMembers: readonly string[] = ['cgv', 'confidentialite'];

/** A garden id as the address may carry it (`?jardin=`): the same shape as a slug, checked before any call. */
export const isGardenIdShape = isPageSlug;

/** A legal page's name in the reader's language, before anything is published (the footer's links). */
export function legalTitle(slug: string, locale: Locale): string | undefined {
  return isLegalSlug(slug) ? legalPageTitles[slug][locale] : undefined;
}

const maxSlugLength = 60;

/** The slug suggested from a page's title: « Où nous trouver ? » → `ou-nous-trouver`. */
export function slugOfTitle(title: string): string {
  const words = foldForSearch(title)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > maxSlugLength) break;
    slug = next;
  }
  return slug || (words[0]?.slice(0, maxSlugLength) ?? '');
}

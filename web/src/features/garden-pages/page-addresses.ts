import type { RouteLocationNormalizedLoaded } from 'vue-router';
import { gardenPublisher, networkPublisher, type Publisher } from './garden-pages-api.ts';
import { isGardenIdShape } from './page-slugs.ts';

/** Where anyone reads a published page: `/jardins/{garden}/pages/{slug}` or `/reseau/pages/{slug}`. */
export function publicPagePath(publisher: Publisher, slug: string): string {
  return publisher.kind === 'garden'
    ? `/jardins/${encodeURIComponent(publisher.gardenId)}/pages/${encodeURIComponent(slug)}`
    : `/reseau/pages/${encodeURIComponent(slug)}`;
}

/** Where its administrators edit a page, from the list of pages. */
export function editorPath(publisher: Publisher, slug: string): string {
  return `${adminListPath(publisher)}/${encodeURIComponent(slug)}`;
}

export function adminListPath(publisher: Publisher): string {
  return publisher.kind === 'garden' ? '/equipe/pages' : '/reseau/pages-du-reseau';
}

/**
 * Whose pages the footer of this page links: the garden the page is about (a garden's page,
 * the offer chosen on /jardins with `?jardin=`), else the signed-in person's garden, else the
 * network's. An address that is not a garden id's shape is ignored, never sent.
 */
export function footerPublisher(
  route: Pick<RouteLocationNormalizedLoaded, 'name' | 'params' | 'query'>,
  sessionGardenId: string | undefined,
): Publisher {
  if (route.name === 'network-page') return networkPublisher;
  const param = route.params.gardenId;
  if (typeof param === 'string' && isGardenIdShape(param)) return gardenPublisher(param);
  const chosen = route.query.jardin;
  if (typeof chosen === 'string' && isGardenIdShape(chosen)) return gardenPublisher(chosen);
  return sessionGardenId ? gardenPublisher(sessionGardenId) : networkPublisher;
}

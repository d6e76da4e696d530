import type { LocationQuery, RouteLocationNormalizedLoaded, Router } from 'vue-router';

/**
 * The state of a staff list (filters, sort, page) lives in the address, so a reload, a shared
 * link or the back button shows the same rows.
 */

/** One text of the query (the first when repeated), or undefined. */
export function queryValue(query: LocationQuery, name: string): string | undefined {
  const value = query[name];
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/** One of a set of values, or undefined when the address holds something else. */
export function queryChoice<T extends string>(
  query: LocationQuery,
  name: string,
  choices: readonly T[],
): T | undefined {
  const value = queryValue(query, name);
  return value !== undefined && (choices as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** A page number from 1; 1 when absent or not a number. */
export function queryPage(query: LocationQuery, name: string): number {
  const page = Number(queryValue(query, name));
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** Changes some of the query (undefined removes a name), replacing the history entry. */
export function changeQuery(
  router: Router,
  route: RouteLocationNormalizedLoaded,
  changes: Record<string, string | number | undefined>,
): Promise<unknown> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(route.query)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string') query[name] = text;
  }
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') delete query[name];
    else query[name] = String(value);
  }
  return router.replace({ query });
}

/** One page of rows (pages count from 1; past the end, the last page). */
export function pageOf<T>(rows: readonly T[], page: number, perPage: number) {
  const pages = Math.max(1, Math.ceil(rows.length / perPage));
  const current = Math.min(Math.max(1, page), pages);
  return { rows: rows.slice((current - 1) * perPage, current * perPage), page: current, pages };
}

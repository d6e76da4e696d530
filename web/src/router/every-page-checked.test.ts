import { describe, expect, it } from 'vitest';
import type { RouteRecordRaw } from 'vue-router';
import { pages } from '../../../tests/browser/every-page.ts';
import { routes } from './index.ts';

/** The router's pages: its named routes that show a component (redirects left out). */
function routerPages(records: readonly RouteRecordRaw[]): string[] {
  return records.flatMap((record) => [
    ...(record.component && record.name ? [String(record.name)] : []),
    ...routerPages(record.children ?? []),
  ]);
}

describe('the accessibility browser test', () => {
  it('visits every page of the router, and no page the router does not have', () => {
    expect(Object.keys(pages).sort()).toEqual(routerPages(routes).sort());
  });

  it('names at least one role for each page', () => {
    expect(Object.entries(pages).filter(([, page]) => page.who.length === 0)).toEqual([]);
  });
});

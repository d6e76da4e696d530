import { describe, expect, it } from 'vitest';
import { pageOf, queryChoice, queryPage, queryValue } from './list-query.ts';

describe('list state in the address', () => {
  it('reads values, choices and pages, ignoring what does not fit', () => {
    const query = { statut: 'paid', page: '3', mois: ['2026-11', '2026-10'], tri: '', bad: 'x' };
    expect(queryValue(query, 'mois')).toBe('2026-11');
    expect(queryValue(query, 'tri')).toBeUndefined();
    expect(queryChoice(query, 'statut', ['open', 'paid'] as const)).toBe('paid');
    expect(queryChoice(query, 'bad', ['open', 'paid'] as const)).toBeUndefined();
    expect(queryPage(query, 'page')).toBe(3);
    expect(queryPage({ page: '-2' }, 'page')).toBe(1);
    expect(queryPage({ page: 'deux' }, 'page')).toBe(1);
  });

  it('cuts rows into pages, the last page when asked beyond it', () => {
    const rows = Array.from({ length: 77 }, (_, index) => index);
    expect(pageOf(rows, 1, 20)).toMatchObject({ page: 1, pages: 4, rows: rows.slice(0, 20) });
    expect(pageOf(rows, 4, 20).rows).toEqual(rows.slice(60));
    expect(pageOf(rows, 9, 20).page).toBe(4);
    expect(pageOf([], 1, 20)).toEqual({ rows: [], page: 1, pages: 1 });
  });
});

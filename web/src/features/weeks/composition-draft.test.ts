import { afterEach, describe, expect, it } from 'vitest';
import { draftKey, draftOf, formOfDraft, readDraft, removeDraft, writeDraft } from './composition-draft.ts';
import { compositionFormOf } from './composition-form.ts';

describe('composition drafts', () => {
  const key = draftKey('val-du-doubs', 'u-1', '2026-W50');
  afterEach(() => window.localStorage.clear());

  it('keeps the lines as typed, and gives them back as a form', () => {
    const form = compositionFormOf(
      { small: [{ productId: 'p-carottes', quantity: 0.5 }], medium: [], large: [] },
      'fr',
    );
    form.large.push({ key: 'x', productId: '', quantity: '2,' });
    writeDraft(key, draftOf(form, 3));
    const kept = readDraft(key);
    expect(kept).toEqual({
      baseVersion: 3,
      lines: { small: [['p-carottes', '0,5']], medium: [], large: [['', '2,']] },
    });
    const back = kept ? formOfDraft(kept) : undefined;
    expect(back?.small.map((line) => [line.productId, line.quantity])).toEqual([['p-carottes', '0,5']]);
    expect(back?.large.map((line) => line.quantity)).toEqual(['2,']);
  });

  it('is one per garden, person and week, and goes when removed', () => {
    writeDraft(key, draftOf(compositionFormOf(undefined, 'fr'), undefined));
    expect(readDraft(draftKey('val-du-doubs', 'u-2', '2026-W50'))).toBeUndefined();
    expect(readDraft(draftKey('val-du-doubs', 'u-1', '2026-W51'))).toBeUndefined();
    expect(readDraft(key)).toBeDefined();
    removeDraft(key);
    expect(readDraft(key)).toBeUndefined();
  });

  it('ignores what is not a draft', () => {
    window.localStorage.setItem(key, '{not json');
    expect(readDraft(key)).toBeUndefined();
    window.localStorage.setItem(key, JSON.stringify({ baseVersion: 1, lines: { small: [[1, 2]] } }));
    expect(readDraft(key)).toBeUndefined();
  });
});

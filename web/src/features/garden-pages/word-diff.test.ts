import { describe, expect, it } from 'vitest';
import { pageText, wordDiff, type DiffPart } from './word-diff.ts';

/** The diff written as `[-removed-]` and `{+added+}`, to read the expectations at a glance. */
const shown = (parts: DiffPart[]) =>
  parts
    .map(({ kind, text }) => (kind === 'same' ? text : kind === 'removed' ? `[-${text}-]` : `{+${text}+}`))
    .join('');

describe('wordDiff', () => {
  it('marks the words removed and added, the rest unchanged', () => {
    expect(
      shown(wordDiff('Le panier coûte 12 euros par semaine.', 'Le panier coûte 14 euros par semaine.')),
    ).toBe('Le panier coûte [-12-] {+14+} euros par semaine.');
    expect(
      shown(wordDiff('Résiliation avec un préavis.', 'Résiliation en ligne avec un préavis de 14 jours.')),
    ).toBe('Résiliation {+en ligne+} avec un [-préavis.-] {+préavis de 14 jours.+}');
  });

  it('keeps lines apart and finds a paragraph added between two others', () => {
    expect(shown(wordDiff('Préambule\nRésiliation', 'Préambule\nTarifs 2027\nRésiliation'))).toBe(
      'Préambule\n{+Tarifs 2027\n+}Résiliation',
    );
  });

  it('is one unchanged part for the same text, nothing for two empty ones, one block each way from nothing', () => {
    expect(wordDiff('Mentions légales', 'Mentions légales')).toEqual([
      { kind: 'same', text: 'Mentions légales' },
    ]);
    expect(wordDiff('', '')).toEqual([]);
    expect(wordDiff('', 'Tout est neuf')).toEqual([{ kind: 'added', text: 'Tout est neuf' }]);
    expect(wordDiff('Tout part', '')).toEqual([{ kind: 'removed', text: 'Tout part' }]);
  });

  it('gives every word of both texts, in order, whatever the edits', () => {
    const before = 'a b c d e f g h i j';
    const after = 'x b c y e f z h i j k';
    const parts = wordDiff(before, after);
    const side = (kind: 'removed' | 'added') =>
      parts
        .filter((part) => part.kind !== kind)
        .map((part) => part.text)
        .join('')
        .split(/\s+/)
        .filter(Boolean)
        .join(' ');
    expect(side('added')).toBe(before);
    expect(side('removed')).toBe(after);
  });

  it('shows two very different long texts as one removed and one added block rather than search on', () => {
    const before = Array.from({ length: 300 }, (_, index) => `avant${index}`).join(' ');
    const after = Array.from({ length: 300 }, (_, index) => `après${index}`).join(' ');
    const parts = wordDiff(before, after, 50);
    expect(parts.map((part) => part.kind)).toEqual(['removed', 'same', 'added']);
    expect(parts[0]?.text).toBe(before);
    expect(parts[2]?.text).toBe(after);
  });
});

describe('pageText', () => {
  it('reads a page as lines: paragraphs, headings, items, rows, images by their alternative', () => {
    const html =
      '<h2>Éditeur</h2><p>Jardin <strong>du Val</strong>,<br>25000 Besançon</p>' +
      '<ul><li>Paniers</li><li>Œufs</li></ul>' +
      '<figure class="image"><img src="/x.png" alt="Le jardin en été"><figcaption>Photo</figcaption></figure>' +
      '<table><tbody><tr><th>Panier</th><td>12 €</td></tr></tbody></table>';
    expect(pageText(html)).toBe(
      'Éditeur\nJardin du Val,\n25000 Besançon\nPaniers\nŒufs\n[Le jardin en été] Photo\nPanier 12 €',
    );
  });

  it('reads markup typed as text as text', () => {
    expect(pageText('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')).toBe('<script>alert(1)</script>');
  });
});

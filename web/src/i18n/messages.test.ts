import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { fr } from './fr.ts';

function leaves(messages: object, prefix = ''): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') found[`${prefix}${key}`] = value;
    else Object.assign(found, leaves(value as object, `${prefix}${key}.`));
  }
  return found;
}

describe('messages', () => {
  it('has every French sentence in English, and nothing more', () => {
    expect(Object.keys(leaves(en)).sort()).toEqual(Object.keys(leaves(fr)).sort());
  });

  it('uses the same placeholders in both languages', () => {
    const french = leaves(fr);
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const [key, text] of Object.entries(leaves(en))) {
      expect(placeholders(text), key).toEqual(placeholders(french[key] ?? ''));
    }
  });

  it('keeps vue-i18n syntax characters out of the sentences', () => {
    for (const [key, text] of Object.entries({ ...leaves(fr), ...leaves(en) })) {
      expect(text.replace(/\{\w+\}/g, ''), key).not.toMatch(/[{}@$]/);
    }
  });

  it('has as many plural forms in English as in French', () => {
    const french = leaves(fr);
    for (const [key, text] of Object.entries(leaves(en))) {
      expect(text.split('|').length, key).toBe((french[key] ?? '').split('|').length);
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('has a sentence for every key the app asks for by name', () => {
    // The web project's tests run from the repository's root (import.meta.url is the dev server's).
    const source = join(process.cwd(), 'web', 'src');
    const files = (readdirSync(source, { recursive: true }) as string[]).filter(
      (file) => /\.(vue|ts)$/.test(file) && !file.includes('i18n') && !/\.test\.ts$/.test(file),
    );
    const known = leaves(fr);
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(source, file), 'utf8');
      // t('a.b'), te('a.b'), $t('a.b') and i18n.global.t('a.b') with a literal key.
      for (const match of text.matchAll(/\b\$?te?\(\s*'([a-zA-Z]\w*(?:\.\w+)+)'/g)) {
        const key = match[1] as string;
        if (!(key in known) && !Object.keys(known).some((each) => each.startsWith(`${key}.`))) {
          missing.push(`${file}: ${key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('has as many plural forms in English as in French', () => {
    const french = leaves(fr);
    for (const [key, text] of Object.entries(leaves(en))) {
      expect(text.split('|').length, key).toBe((french[key] ?? '').split('|').length);
    }
  });
});

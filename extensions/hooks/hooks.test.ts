import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { hookNames, hooks, schemaDocument } from './index.ts';
import { schemaPath } from './write-schemas.ts';

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const example = (name: string) => readJson(join(import.meta.dirname, name, 'example-input.json'));

describe('the hooks', () => {
  it('are the five extension points, each with a version and an export name', () => {
    expect(hookNames).toEqual([
      'solidarity-price',
      'sign-up-checks',
      'basket-composition',
      'absence-policy',
      'accounting-export',
    ]);
    for (const name of hookNames) {
      expect(hooks[name].version).toBe(1);
      expect(hooks[name].exportName).toBe(name.replaceAll('-', '_'));
    }
  });

  it.each(hookNames)(
    '%s: its JSON Schema files are current (node extensions/hooks/write-schemas.ts)',
    (name) => {
      for (const side of ['input', 'output'] as const) {
        expect(readJson(schemaPath(name, side))).toEqual(schemaDocument(name, side));
      }
    },
  );

  it.each(hookNames)(
    "%s: Ajv's default class reads its schemas as written, in strict mode, and the built-in answer to the example validates",
    (name) => {
      const ajv = new Ajv({ strict: true, allErrors: true });
      const input = ajv.compile(readJson(schemaPath(name, 'input')) as object);
      const output = ajv.compile(readJson(schemaPath(name, 'output')) as object);
      const sample = example(name);
      expect(input(sample), JSON.stringify(input.errors)).toBe(true);
      const answer: unknown = (hooks[name].builtIn as (input: unknown) => unknown)(sample);
      expect(output(answer), JSON.stringify(output.errors)).toBe(true);
    },
  );

  it("absence-policy's input carries each rule a garden may choose, `credited` included, and no other", () => {
    const ajv = new Ajv({ strict: true });
    const input = ajv.compile(readJson(schemaPath('absence-policy', 'input')) as object);
    const sample = example('absence-policy') as { rules: object };
    const withRule = (absencePolicy: string) => ({ ...sample, rules: { ...sample.rules, absencePolicy } });
    for (const rule of ['donated', 'compensated', 'credited']) {
      expect(input(withRule(rule)), JSON.stringify(input.errors)).toBe(true);
    }
    expect(input(withRule('sold'))).toBe(false);
    // Within version 1: a module written before `credited` reads the same shape.
    expect(hooks['absence-policy'].version).toBe(1);
  });

  it('refuse what a module must not send: extra properties, a missing reason, a wrong decision', () => {
    const ajv = new Ajv();
    const absence = ajv.compile(schemaDocument('absence-policy', 'output'));
    expect(absence({ decision: 'donated', reason: { fr: 'Donné.', en: 'Given.' } })).toBe(true);
    expect(absence({ decision: 'donated' })).toBe(false);
    expect(absence({ decision: 'sold', reason: { fr: 'Vendu.', en: 'Sold.' } })).toBe(false);
    expect(absence({ decision: 'donated', reason: { fr: 'Donné.', en: 'Given.' }, extra: 1 })).toBe(false);
    const price = ajv.compile(schemaDocument('solidarity-price', 'output'));
    expect(price({ tierId: null, basketPrice: 12.5, reason: { fr: 'x', en: 'x' } })).toBe(false);
    expect(price({ tierId: '__proto__', basketPrice: 1250, reason: { fr: 'x', en: 'x' } })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultPricing, type Pricing } from '../../domain/pricing.ts';
import { proposeSolidarityPrice } from './solidarity-proposal.ts';

const pricing: Pricing = { ...defaultPricing, version: 1 };
const facts = { basketSize: 'medium', frequency: 'weekly', quotientFamilial: 640 } as const;
const fullPrice = {
  tierId: null,
  basketPrice: 1700,
  reason: {
    fr: 'Tarif plein : l’équipe du jardin peut accorder un tarif solidaire.',
    en: 'Full price: the garden staff may give a solidarity tier.',
  },
};

/** An app whose hook runner answers `runHook`, counting what the caller adds to the records. */
function appWith(runHook: () => Promise<unknown>) {
  const added: unknown[] = [];
  const app = {
    now: () => new Date('2026-12-06T10:00:00Z'),
    extensions: {
      runner: { runHook },
      catalogue: {
        records: {
          addCalls: async (...args: unknown[]) => {
            added.push(args);
          },
        },
      },
    },
  };
  return { app: app as never, added };
}

describe('the solidarity proposal, as callers check it', () => {
  it("falls back to the built-in answer when the extension's tier is not one of the garden's, and counts it", async () => {
    const { app, added } = appWith(async () => ({
      output: { tierId: 'gratuit', basketPrice: 0, reason: { fr: 'Gratuit.', en: 'Free.' } },
      source: 'extension',
      extension: { name: 'generous', version: '1.0.0' },
    }));
    expect(await proposeSolidarityPrice(app, 'g-1', facts, pricing)).toEqual({
      ...fullPrice,
      quotientFamilial: 640,
      source: 'built-in',
      extension: { name: 'generous', version: '1.0.0' },
      failure: {
        kind: 'invalid-output',
        message: 'tierId "gratuit" is not one of the garden\'s tiers (solidaire)',
      },
    });
    expect(added).toEqual([
      [
        'g-1',
        'generous',
        '1.0.0',
        {
          calls: 0,
          failures: 1,
          byKind: { 'invalid-output': 1 },
          lastFailure: {
            kind: 'invalid-output',
            message: 'tierId "gratuit" is not one of the garden\'s tiers (solidaire)',
            hook: 'solidarity-price',
            at: '2026-12-06T10:00:00.000Z',
          },
        },
      ],
    ]);
  });

  it("keeps the extension's answer when its tier is the garden's", async () => {
    const output = { tierId: 'solidaire', basketPrice: 850, reason: { fr: 'QF.', en: 'QF.' } };
    const { app, added } = appWith(async () => ({
      output,
      source: 'extension',
      extension: { name: 'quotient-familial', version: '1.0.0' },
    }));
    expect(await proposeSolidarityPrice(app, 'g-1', facts, pricing)).toEqual({
      ...output,
      quotientFamilial: 640,
      source: 'extension',
      extension: { name: 'quotient-familial', version: '1.0.0' },
    });
    expect(added).toEqual([]);
  });

  it('never stops the caller when the runner cannot read the garden’s extensions', async () => {
    const { app } = appWith(async () => {
      throw new Error('S3 unreachable');
    });
    expect(await proposeSolidarityPrice(app, 'g-1', facts, pricing)).toEqual({
      ...fullPrice,
      quotientFamilial: 640,
      source: 'built-in',
      failure: { kind: 'unavailable', message: 'S3 unreachable' },
    });
  });
});

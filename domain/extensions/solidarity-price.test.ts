import { describe, expect, it } from 'vitest';
import { defaultPricing } from '../pricing.ts';
import {
  builtInSolidarityPrice,
  solidarityAnswerRefusal,
  type SolidarityPriceInput,
} from './solidarity-price.ts';

const input = (overrides: Partial<SolidarityPriceInput> = {}): SolidarityPriceInput => ({
  basketSize: 'medium',
  frequency: 'weekly',
  household: { size: 3, quotientFamilial: 400 },
  prices: { basketPrices: defaultPricing.basketPrices, solidarityTiers: defaultPricing.solidarityTiers },
  ...overrides,
});

describe('the built-in solidarity price', () => {
  it('is full price whatever the household says: only staff give a tier', () => {
    expect(builtInSolidarityPrice(input())).toEqual({
      tierId: null,
      basketPrice: 1700,
      reason: {
        fr: 'Tarif plein : l’équipe du jardin peut accorder un tarif solidaire.',
        en: 'Full price: the garden staff may give a solidarity tier.',
      },
    });
  });

  it('is the tier staff gave, at its price for the size asked', () => {
    const answer = builtInSolidarityPrice(input({ currentTierId: 'solidaire', basketSize: 'large' }));
    expect(answer.tierId).toBe('solidaire');
    expect(answer.basketPrice).toBe(1150);
    expect(answer.reason.fr).toBe('Tarif « Tarif solidaire » attribué par l’équipe du jardin.');
  });

  it('is full price when the tier staff gave no longer exists', () => {
    const answer = builtInSolidarityPrice(input({ currentTierId: 'ancien' }));
    expect(answer).toMatchObject({ tierId: null, basketPrice: 1700 });
  });
});

describe("the caller's check of a solidarity-price answer", () => {
  const answer = (tierId: string | null) => ({ tierId, basketPrice: 850, reason: { fr: 'x', en: 'x' } });

  it("accepts full price and the garden's own tiers", () => {
    expect(solidarityAnswerRefusal(input(), answer(null))).toBeUndefined();
    expect(solidarityAnswerRefusal(input(), answer('solidaire'))).toBeUndefined();
  });

  it('refuses a tier the garden does not have, naming those it has', () => {
    expect(solidarityAnswerRefusal(input(), answer('gratuit'))).toBe(
      'tierId "gratuit" is not one of the garden\'s tiers (solidaire)',
    );
    expect(
      solidarityAnswerRefusal(
        input({ prices: { basketPrices: defaultPricing.basketPrices, solidarityTiers: [] } }),
        answer('solidaire'),
      ),
    ).toBe('tierId "solidaire" is not one of the garden\'s tiers (none)');
  });
});

import { describe, expect, it } from 'vitest';
import { formatEuros } from './money.ts';
import { defaultPricing, monthlyEstimate, offerPrices } from './pricing.ts';

describe('what a subscription costs, as people deciding to join read it', () => {
  it('estimates a month from the basket price and the deliveries of an average month', () => {
    // 52 deliveries a year every week, 26 every other week: 12 € × 52 / 12 = 52 €.
    expect(monthlyEstimate(defaultPricing, 'small', 'weekly')).toBe(5200);
    expect(monthlyEstimate(defaultPricing, 'small', 'fortnightly')).toBe(2600);
    // 17 € × 52 / 12 = 73,666… €: rounded to the cent.
    expect(monthlyEstimate(defaultPricing, 'medium', 'weekly')).toBe(7367);
    expect(monthlyEstimate(defaultPricing, 'medium', 'fortnightly')).toBe(3683);
    expect(monthlyEstimate(defaultPricing, 'large', 'weekly')).toBe(9967);
    expect(monthlyEstimate(defaultPricing, 'large', 'fortnightly')).toBe(4983);
  });

  it("takes a solidarity tier's price when one is given, the usual price for an unknown tier", () => {
    // 11,50 € × 26 / 12 = 24,916… €.
    expect(monthlyEstimate(defaultPricing, 'large', 'fortnightly', 'solidaire')).toBe(2492);
    expect(monthlyEstimate(defaultPricing, 'small', 'weekly', 'solidaire')).toBe(2600);
    expect(monthlyEstimate(defaultPricing, 'small', 'weekly', 'inconnu')).toBe(5200);
  });

  it('is whole cents, formatted the French way', () => {
    const estimate = monthlyEstimate(defaultPricing, 'medium', 'weekly');
    expect(Number.isInteger(estimate)).toBe(true);
    expect(formatEuros(estimate).replace(/\s/g, ' ')).toBe('73,67 €');
  });

  it('publishes the prices, tiers and membership fee, not the legal details nor the payment terms', () => {
    expect(offerPrices(defaultPricing)).toEqual({
      basketPrices: { small: 1200, medium: 1700, large: 2300 },
      solidarityTiers: [
        { id: 'solidaire', label: 'Tarif solidaire', prices: { small: 600, medium: 850, large: 1150 } },
      ],
      membershipFee: 2000,
      billing: 'monthly',
      installments: 1,
    });
  });
});

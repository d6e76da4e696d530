import { describe, expect, it } from 'vitest';
import { formatEuros } from './money.ts';
import { defaultPricing, installments, monthlyEstimate, offerPrices, seasonCharge } from './pricing.ts';

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

describe('what season billing charges, as people deciding to join read it', () => {
  const season = { ...defaultPricing, billing: 'season' as const, installments: 3 };

  it("is the season's baskets at the price, split in installments of whole cents", () => {
    // 20 medium baskets at 17 €: 340 €, three installments of 113,34 €, 113,33 €, 113,33 €.
    expect(seasonCharge(season, 'medium', 20)).toEqual({
      total: 34_000,
      count: 3,
      installment: 11_334,
      otherInstallments: 11_333,
    });
    // At the solidarity tier: 20 × 8,50 €.
    expect(seasonCharge(season, 'medium', 20, 'solidaire').total).toBe(17_000);
    // One installment: the whole season at once.
    expect(seasonCharge({ ...season, installments: 1 }, 'small', 26)).toEqual({
      total: 31_200,
      count: 1,
      installment: 31_200,
      otherInstallments: 31_200,
    });
  });

  it('gives the same amounts as the invoices issued, which add up to the total', () => {
    for (const count of [1, 3, 7, 10, 12]) {
      const charge = seasonCharge({ ...season, installments: count }, 'large', 23);
      const issued = installments(charge.total, count, '2027-04-01').map((part) => part.amount);
      expect(issued[0]).toBe(charge.installment);
      expect(issued.at(-1)).toBe(charge.otherInstallments);
      expect(issued.reduce((sum, amount) => sum + amount, 0)).toBe(charge.total);
      expect(Number.isInteger(charge.installment) && Number.isInteger(charge.otherInstallments)).toBe(true);
    }
  });
});

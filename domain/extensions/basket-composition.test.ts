import { describe, expect, it } from 'vitest';
import { harvestTotals } from '../delivery-week.ts';
import { builtInBasketComposition, type BasketCompositionInput } from './basket-composition.ts';

const input: BasketCompositionInput = {
  week: '2026-W50',
  basketCounts: { small: 40, medium: 60, large: 20 },
  basketPrices: { small: 1200, medium: 1700, large: 2300 },
  harvest: [
    { productId: 'p-carottes', name: 'Carottes', unit: 'kg', quantity: 120 },
    { productId: 'p-poireaux', name: 'Poireaux', unit: 'bunch', quantity: 130 },
    { productId: 'p-potimarron', name: 'Potimarron', unit: 'piece', quantity: 70 },
  ],
};

describe('the built-in basket composition', () => {
  it('shares each product by what each size costs, to the gram or the unit, never more than the harvest', () => {
    const { baskets, leftovers } = builtInBasketComposition(input);
    // Carrots: 120 kg over 40 × 12 + 60 × 17 + 20 × 23 = 1960 euros of baskets, 61.2 g a euro,
    // rounded down, then a gram more for the small ones out of what rounding left.
    expect(baskets.small).toEqual([
      { productId: 'p-carottes', quantity: 0.735 },
      { productId: 'p-poireaux', quantity: 1 },
    ]);
    expect(baskets.medium).toEqual([
      { productId: 'p-carottes', quantity: 1.04 },
      { productId: 'p-poireaux', quantity: 1 },
    ]);
    // 70 potimarrons cannot go round 120 baskets: the large ones get one, the rest is left to staff.
    expect(baskets.large).toEqual([
      { productId: 'p-carottes', quantity: 1.409 },
      { productId: 'p-poireaux', quantity: 1 },
      { productId: 'p-potimarron', quantity: 1 },
    ]);
    const products = new Map(input.harvest.map((product) => [product.productId, product]));
    const taken = harvestTotals(baskets, input.basketCounts, products);
    for (const line of taken) {
      expect(line.quantity).toBeLessThanOrEqual(products.get(line.productId)?.quantity ?? 0);
    }
    expect(leftovers).toEqual([
      { productId: 'p-carottes', quantity: 0.02 },
      { productId: 'p-poireaux', quantity: 10 },
      { productId: 'p-potimarron', quantity: 50 },
    ]);
  });

  it('never gives a smaller basket more than a larger one', () => {
    const scarce = builtInBasketComposition({
      ...input,
      harvest: [{ productId: 'p-ail', name: 'Ail', unit: 'piece', quantity: 110 }],
    });
    // Exact shares 0.67, 0.95 and 1.29 heads: the large baskets get 1, then what is left gives the
    // medium ones 1 and the large ones a second; the 10 left cannot go round the 40 small ones.
    expect(scarce.baskets).toEqual({
      small: [],
      medium: [{ productId: 'p-ail', quantity: 1 }],
      large: [{ productId: 'p-ail', quantity: 2 }],
    });
    expect(scarce.leftovers).toEqual([{ productId: 'p-ail', quantity: 10 }]);
  });

  it('leaves everything over when no basket is to be filled', () => {
    const none = builtInBasketComposition({ ...input, basketCounts: { small: 0, medium: 0, large: 0 } });
    expect(none.baskets).toEqual({ small: [], medium: [], large: [] });
    expect(none.leftovers.map((line) => line.quantity)).toEqual([120, 130, 70]);
  });
});

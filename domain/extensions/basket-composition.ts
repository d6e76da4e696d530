import Type from 'typebox';
import { CompositionInput, type CompositionLine } from '../delivery-week.ts';
import { ProductId } from '../ids.ts';
import { isoWeekPattern } from '../iso-weeks.ts';
import { productUnits, roundQuantity, type ProductUnit } from '../products.ts';
import { basketSizes, type BasketSize } from '../subscription.ts';
import { HookBasketPrices } from './hook-text.ts';

/**
 * Hook `basket-composition`: from the week's harvest estimate and the baskets to fill, a
 * proposed composition of each basket size. Staff still edit and approve it (the week's
 * composition step), so the proposal is only a starting point.
 */
export const basketCompositionHook = { name: 'basket-composition', version: 1 } as const;

const quantity = Type.Number({ minimum: 0, maximum: 100_000 });

export const BasketCompositionInput = Type.Object(
  {
    week: Type.String({ pattern: isoWeekPattern }),
    /** Baskets to fill this week, by size (absences taken off, made-up baskets counted). */
    basketCounts: Type.Object(
      {
        small: Type.Integer({ minimum: 0, maximum: 100_000 }),
        medium: Type.Integer({ minimum: 0, maximum: 100_000 }),
        large: Type.Integer({ minimum: 0, maximum: 100_000 }),
      },
      { additionalProperties: false },
    ),
    /** Full price of a basket of each size, in cents: what each size is worth to the member. */
    basketPrices: HookBasketPrices,
    /** What the garden expects to harvest this week, product by product, in the product's unit. */
    harvest: Type.Array(
      Type.Object(
        {
          productId: ProductId,
          name: Type.String({ minLength: 1, maxLength: 80 }),
          unit: Type.Enum([...productUnits]),
          quantity,
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    /** Last week's composition, for variety. */
    previous: Type.Optional(CompositionInput),
  },
  { additionalProperties: false },
);
export type BasketCompositionInput = Type.Static<typeof BasketCompositionInput>;

export const BasketCompositionOutput = Type.Object(
  {
    /** The proposal, in the shape staff edit (a line per product, at least a gram or one unit). */
    baskets: CompositionInput,
    /** What the proposal leaves of the harvest, product by product (none: everything placed). */
    leftovers: Type.Array(Type.Object({ productId: ProductId, quantity }, { additionalProperties: false }), {
      maxItems: 200,
    }),
  },
  { additionalProperties: false },
);
export type BasketCompositionOutput = Type.Static<typeof BasketCompositionOutput>;

/** Steps of a product's unit: grams of what is weighed, else bunches or pieces. */
const stepsPerUnit = (unit: ProductUnit) => (unit === 'kg' ? 1000 : 1);

/** A line holds at most 1000 of its unit (CompositionLine). */
const maxSteps = (unit: ProductUnit) => 1000 * stepsPerUnit(unit);

/**
 * Without an extension: each product of the harvest shared out over every basket of the week
 * in proportion to what each size costs (a large basket at 23 € gets 23/12 of what a small one
 * at 12 € gets), rounded down to the gram or the unit so the baskets never take more than the
 * harvest. What rounding leaves is then given a gram or a unit at a time, smaller sizes first,
 * never above a size's exact share rounded up nor above what a larger size gets; what is still
 * left is reported.
 */
export function builtInBasketComposition(input: BasketCompositionInput): BasketCompositionOutput {
  const counts = input.basketCounts;
  const sizes = basketSizes.filter((size) => counts[size] > 0);
  const totalWeight = sizes.reduce((sum, size) => sum + input.basketPrices[size] * counts[size], 0);
  const baskets: Record<BasketSize, CompositionLine[]> = { small: [], medium: [], large: [] };
  const leftovers: BasketCompositionOutput['leftovers'] = [];
  for (const product of input.harvest) {
    const perUnit = stepsPerUnit(product.unit);
    let left = Math.floor(product.quantity * perUnit + 1e-6);
    const shares = new Map<BasketSize, number>();
    const ceilings = new Map<BasketSize, number>();
    if (totalWeight > 0) {
      for (const size of sizes) {
        const exact = (left * input.basketPrices[size]) / totalWeight;
        shares.set(size, Math.min(Math.floor(exact + 1e-9), maxSteps(product.unit)));
        ceilings.set(size, Math.min(Math.ceil(exact - 1e-9), maxSteps(product.unit)));
      }
      for (const size of sizes) left -= (shares.get(size) ?? 0) * counts[size];
      for (let changed = true; changed;) {
        changed = false;
        for (const [index, size] of sizes.entries()) {
          const share = shares.get(size) ?? 0;
          const larger = sizes[index + 1];
          const cap = Math.min(ceilings.get(size) ?? 0, larger ? (shares.get(larger) ?? 0) : Infinity);
          if (share + 1 <= cap && left >= counts[size]) {
            shares.set(size, share + 1);
            left -= counts[size];
            changed = true;
          }
        }
      }
    }
    for (const size of sizes) {
      const share = shares.get(size) ?? 0;
      if (share > 0 && baskets[size].length < 40) {
        baskets[size].push({
          productId: product.productId,
          quantity: roundQuantity(share / perUnit, product.unit),
        });
      } else left += share * counts[size];
    }
    if (left > 0)
      leftovers.push({ productId: product.productId, quantity: roundQuantity(left / perUnit, product.unit) });
  }
  return { baskets, leftovers };
}

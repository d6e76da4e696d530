import Type from 'typebox';
import { TierId } from '../ids.ts';
import { basketPrice, SolidarityTier } from '../pricing.ts';
import { basketSizes, frequencies } from '../subscription.ts';
import { HookBasketPrices, HookCents, HookText } from './hook-text.ts';

/**
 * Hook `solidarity-price`: from what the garden knows of a household, the tier it pays (or a
 * price of its own). Called at sign-up (to tell the household what it would pay) and when staff
 * assign tiers (as a proposal: staff decide).
 */
export const solidarityPriceHook = { name: 'solidarity-price', version: 1 } as const;

/** An answer to one of the sign-up form's extra fields (see the sign-up-checks hook). */
export const HookAnswer = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]);
export type HookAnswer = Type.Static<typeof HookAnswer>;

export const SolidarityPriceInput = Type.Object(
  {
    basketSize: Type.Enum([...basketSizes]),
    frequency: Type.Enum([...frequencies]),
    household: Type.Object(
      {
        /** People in the household (the member's `householdSize`). */
        size: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
        /** The CAF's quotient familial, in euros a month, when the household gave it. */
        quotientFamilial: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
        /** What the household answered to the sign-up form's extra fields, by field key. */
        answers: Type.Optional(
          Type.Record(Type.String({ maxLength: 40 }), HookAnswer, { maxProperties: 20 }),
        ),
      },
      { additionalProperties: false },
    ),
    /** The tier staff already gave the household, if any. */
    currentTierId: Type.Optional(TierId),
    /** The garden's prices: a basket of each size at full price, and its solidarity tiers. */
    prices: Type.Object(
      {
        basketPrices: HookBasketPrices,
        solidarityTiers: Type.Array(SolidarityTier, { maxItems: 10 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type SolidarityPriceInput = Type.Static<typeof SolidarityPriceInput>;

export const SolidarityPriceOutput = Type.Object(
  {
    /** One of the garden's tiers, or null: full price (or the price below, for this household alone). */
    tierId: Type.Union([TierId, Type.Null()]),
    /** What one basket of the size asked costs this household, in cents. */
    basketPrice: HookCents,
    /** Why, in words the household and staff read. */
    reason: HookText,
  },
  { additionalProperties: false },
);
export type SolidarityPriceOutput = Type.Static<typeof SolidarityPriceOutput>;

/**
 * Without an extension, as today: the household pays the tier staff gave it (`basketPrice`),
 * full price otherwise; only staff give a tier.
 */
export function builtInSolidarityPrice(input: SolidarityPriceInput): SolidarityPriceOutput {
  const tier = input.prices.solidarityTiers.find((candidate) => candidate.id === input.currentTierId);
  const price = basketPrice(input.prices, input.basketSize, tier?.id);
  if (tier) {
    return {
      tierId: tier.id,
      basketPrice: price,
      reason: {
        fr: `Tarif « ${tier.label} » attribué par l’équipe du jardin.`,
        en: `Tier "${tier.label}" given by the garden staff.`,
      },
    };
  }
  return {
    tierId: null,
    basketPrice: price,
    reason: {
      fr: 'Tarif plein : l’équipe du jardin peut accorder un tarif solidaire.',
      en: 'Full price: the garden staff may give a solidarity tier.',
    },
  };
}

/**
 * What the caller refuses in an answer the schema allows: a tier the garden does not have (the
 * schema cannot know the garden's tiers). Undefined when the answer can be proposed as it is.
 */
export function solidarityAnswerRefusal(
  input: Pick<SolidarityPriceInput, 'basketSize' | 'prices'>,
  output: SolidarityPriceOutput,
): string | undefined {
  if (output.tierId === null) return undefined;
  const tier = input.prices.solidarityTiers.find((candidate) => candidate.id === output.tierId);
  if (!tier) {
    const known = input.prices.solidarityTiers.map((candidate) => candidate.id).join(', ') || 'none';
    return `tierId "${output.tierId}" is not one of the garden's tiers (${known})`;
  }
  return undefined;
}

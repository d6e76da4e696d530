import Type from 'typebox';
import { isoDatePattern, monthPattern } from '../calendar.ts';

/**
 * What a hook's module says to people, in both of the product's languages: the caller shows
 * the one the person reads (French first).
 */
export const HookText = Type.Object(
  {
    fr: Type.String({ minLength: 1, maxLength: 500 }),
    en: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type HookText = Type.Static<typeof HookText>;

/** A calendar day, "2026-11-24" (a pattern only: hook schemas use no `format`, so any validator reads them). */
export const HookDay = Type.String({ pattern: isoDatePattern, description: 'A calendar day, "2026-11-24".' });

/** A month, "2026-11". */
export const HookMonth = Type.String({ pattern: monthPattern, description: 'A month, "2026-11".' });

/** Euro cents, never a float. */
export const HookCents = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Euro cents.' });

/** Prices of one basket of each size, in cents. */
export const HookBasketPrices = Type.Object(
  { small: HookCents, medium: HookCents, large: HookCents },
  { additionalProperties: false },
);

import Type from 'typebox';
import { Act } from './actor.ts';
import type { IsoDate } from './calendar.ts';
import { TierId } from './ids.ts';
import { cents, multiplyCents, type Cents } from './money.ts';
import { basketSizes, type BasketSize, type Frequency } from './subscription.ts';

const amount = Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Euro cents.' });

/** A reduced tier staff may give a household (e.g. "Tarif solidaire"), as a price per size. */
export const SolidarityTier = Type.Object(
  {
    id: TierId,
    label: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    prices: Type.Object({ small: amount, medium: amount, large: amount }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type SolidarityTier = Type.Static<typeof SolidarityTier>;

/** What French law wants on an invoice about the seller. */
export const LegalDetails = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' }),
    address: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
    siret: Type.String({ pattern: '^[0-9]{14}$' }),
    /** E.g. « TVA non applicable, art. 293 B du CGI ». */
    vatNote: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type LegalDetails = Type.Static<typeof LegalDetails>;

/**
 * What a garden charges: a price per basket of each size, reduced tiers for households staff
 * choose (with a reason), the yearly membership fee, and how it bills.
 */
export const PricingInput = Type.Object(
  {
    basketPrices: Type.Object(
      { small: amount, medium: amount, large: amount },
      { additionalProperties: false },
    ),
    solidarityTiers: Type.Array(SolidarityTier, { maxItems: 10 }),
    membershipFee: amount,
    /** `monthly`: each month, the baskets actually delivered; `season`: the season's baskets in installments. */
    billing: Type.Enum(['monthly', 'season']),
    /** For season billing: how many installments (1, 3, 10…). */
    installments: Type.Integer({ minimum: 1, maximum: 12 }),
    /** Days after which a failed payment is tried again, in order (e.g. 3, 7, 14). */
    retryDays: Type.Array(Type.Integer({ minimum: 1, maximum: 60 }), { minItems: 1, maxItems: 6 }),
    /** Days between an invoice's issue and its due date (and its first charge). */
    paymentTermDays: Type.Integer({ minimum: 0, maximum: 60 }),
    legal: LegalDetails,
  },
  { additionalProperties: false },
);
export type PricingInput = Type.Static<typeof PricingInput>;

export const Pricing = Type.Object({ ...PricingInput.properties, version: Type.Integer() });
export type Pricing = Type.Static<typeof Pricing>;

export const defaultPricing: Pricing = {
  basketPrices: { small: cents(1200), medium: cents(1700), large: cents(2300) },
  solidarityTiers: [
    { id: 'solidaire', label: 'Tarif solidaire', prices: { small: 600, medium: 850, large: 1150 } },
  ],
  membershipFee: cents(2000),
  billing: 'monthly',
  installments: 1,
  retryDays: [3, 7, 14],
  paymentTermDays: 10,
  legal: {
    name: 'Association Les Jardins de Cocagne',
    address: '1 chemin des Jardins, 25000 Besançon',
    siret: '00000000000000',
    vatNote: 'TVA non applicable, art. 293 B du CGI',
  },
  version: 0,
};

/** A household's billing: its reduced tier if staff gave one, and its means of payment at Stripe. */
export const BillingProfile = Type.Object({
  gardenId: Type.String(),
  memberId: Type.String(),
  tier: Type.Optional(Type.Object({ id: Type.String(), reason: Type.String(), assigned: Act })),
  stripeCustomerId: Type.Optional(Type.String()),
  /** The saved card or SEPA mandate charged off-session. */
  paymentMethod: Type.Optional(
    Type.Object({
      id: Type.String(),
      kind: Type.Enum(['card', 'sepa']),
      /** « Visa •••• 4242 », « IBAN FR76 •••• 0189 ». */
      label: Type.String(),
    }),
  ),
  version: Type.Integer(),
});
export type BillingProfile = Type.Static<typeof BillingProfile>;

/** The price of one basket for a household, with its tier if it has one. */
export function basketPrice(
  pricing: Pick<Pricing, 'basketPrices' | 'solidarityTiers'>,
  size: BasketSize,
  tierId?: string,
): Cents {
  const tier = tierId ? pricing.solidarityTiers.find((candidate) => candidate.id === tierId) : undefined;
  return cents((tier ?? { prices: pricing.basketPrices }).prices[size]);
}

/**
 * What anyone may read of a garden's prices before joining: the basket prices, the solidarity
 * tiers (staff give them, but people should know they exist and what they cost), the yearly
 * membership fee and how it bills. Not the legal details nor the payment terms.
 */
export const OfferPrices = Type.Object({
  basketPrices: PricingInput.properties.basketPrices,
  solidarityTiers: Type.Array(SolidarityTier),
  membershipFee: amount,
  billing: PricingInput.properties.billing,
  installments: PricingInput.properties.installments,
});
export type OfferPrices = Type.Static<typeof OfferPrices>;

export function offerPrices(pricing: Pricing): OfferPrices {
  return {
    basketPrices: { ...pricing.basketPrices },
    solidarityTiers: pricing.solidarityTiers.map(({ id, label, prices }) => ({
      id,
      label,
      prices: { ...prices },
    })),
    membershipFee: pricing.membershipFee,
    billing: pricing.billing,
    installments: pricing.installments,
  };
}

/** Deliveries in a year at each frequency, before closed weeks: what a month's estimate averages. */
export const deliveriesPerYear: Readonly<Record<Frequency, number>> = { weekly: 52, fortnightly: 26 };

/**
 * About what a subscription costs in a month: one basket's price (the tier's, when a tier is
 * given) times the deliveries of an average month, rounded to the cent. Only baskets delivered
 * are billed, so a closed week or an absence costs nothing; the membership fee is apart (yearly).
 */
export function monthlyEstimate(
  pricing: Pick<Pricing, 'basketPrices' | 'solidarityTiers'>,
  size: BasketSize,
  frequency: Frequency,
  tierId?: string,
): Cents {
  return cents(Math.round((basketPrice(pricing, size, tierId) * deliveriesPerYear[frequency]) / 12));
}

/**
 * What season billing charges a subscription: its baskets of the season (`deliveries`, from its
 * start to the season's end) at the household's price, in the garden's number of installments.
 * `installment` is the first one's amount; when the total does not split evenly, the first ones
 * carry one cent more than the `otherInstallments` (as `installments` issues them).
 */
export function seasonCharge(
  pricing: Pick<Pricing, 'basketPrices' | 'solidarityTiers' | 'installments'>,
  size: BasketSize,
  deliveries: number,
  tierId?: string,
): { total: Cents; count: number; installment: Cents; otherInstallments: Cents } {
  const total = multiplyCents(basketPrice(pricing, size, tierId), deliveries);
  const count = pricing.installments;
  const base = Math.floor(total / count);
  return {
    total,
    count,
    installment: cents(base + (total % count > 0 ? 1 : 0)),
    otherInstallments: cents(count === 1 ? total : base),
  };
}

/** Invoice lines for baskets delivered: one line per size and price, quantities summed. */
export function basketLines(
  delivered: ReadonlyArray<{ basketSize: BasketSize; baskets: number }>,
  pricing: Pick<Pricing, 'basketPrices' | 'solidarityTiers'>,
  tierId: string | undefined,
): Array<{ basketSize: BasketSize; quantity: number; unitPrice: Cents; amount: Cents }> {
  return basketSizes
    .map((size) => {
      const quantity = delivered
        .filter((basket) => basket.basketSize === size)
        .reduce((sum, basket) => sum + basket.baskets, 0);
      const unitPrice = basketPrice(pricing, size, tierId);
      return { basketSize: size, quantity, unitPrice, amount: multiplyCents(unitPrice, quantity) };
    })
    .filter((line) => line.quantity > 0);
}

/**
 * Splits an amount into installments that add up exactly (the first ones carry the extra
 * cents), due a month apart from the first date.
 */
export function installments(
  total: Cents,
  count: number,
  firstDue: IsoDate,
): Array<{ due: IsoDate; amount: Cents }> {
  const base = Math.floor(total / count);
  const rest = total - base * count;
  return Array.from({ length: count }, (_, index) => ({
    due: addMonths(firstDue, index),
    amount: cents(base + (index < rest ? 1 : 0)),
  }));
}

function addMonths(day: IsoDate, months: number): IsoDate {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date, lastDay));
  return target.toISOString().slice(0, 10);
}

import Type from 'typebox';
import { Act } from './actor.ts';
import { addDays, type IsoDate } from './calendar.ts';
import { isoWeek, isoWeekPattern, weekDays } from './iso-weeks.ts';
import { ProductId } from './ids.ts';
import { deliverySchedule, type ScheduleContext } from './delivery-schedule.ts';
import type { Localized } from './locale.ts';
import { ownValue, recordOf } from './records.ts';
import { roundQuantity, type Product } from './products.ts';
import { basketSizes, type BasketSize, type Subscription } from './subscription.ts';

/**
 * The weeks whose baskets may be prepared on `today`: the current one and the next. Later
 * weeks wait, as their absences and changes are still coming; they are told of no change.
 */
export function preparableWeeks(today: IsoDate): [string, string] {
  return [isoWeek(today), isoWeek(addDays(today, 7))];
}

// ---- Composition: what goes in each basket size this week ----

export const CompositionLine = Type.Object(
  {
    productId: ProductId,
    /**
     * In the product's unit: kilograms (to the gram), bunches or pieces. At least a gram: an
     * `exclusiveMinimum` would be invalid in the OpenAPI 3.0 description, and a number as
     * small as 1e-300 cannot be stored.
     */
    quantity: Type.Number({
      minimum: 0.001,
      maximum: 1000,
      description: "In the product's unit: kilograms (to the gram), bunches or pieces.",
    }),
  },
  { additionalProperties: false },
);
export type CompositionLine = Type.Static<typeof CompositionLine>;

export const CompositionInput = Type.Object(
  {
    small: Type.Array(CompositionLine, { maxItems: 40 }),
    medium: Type.Array(CompositionLine, { maxItems: 40 }),
    large: Type.Array(CompositionLine, { maxItems: 40 }),
  },
  { additionalProperties: false },
);
export type CompositionInput = Type.Static<typeof CompositionInput>;

export const WeekComposition = Type.Object({
  gardenId: Type.String(),
  week: Type.String({ pattern: isoWeekPattern }),
  baskets: CompositionInput,
  updatedAt: Type.String(),
  updatedBy: Type.Optional(Act.properties.by),
  version: Type.Integer(),
});
export type WeekComposition = Type.Static<typeof WeekComposition>;

export function emptyComposition(): CompositionInput {
  return { small: [], medium: [], large: [] };
}

/** Why a composition cannot be approved as it is, or undefined when it can. */
export function compositionRefusal(
  composition: CompositionInput | undefined,
  products: ReadonlyMap<string, Pick<Product, 'name'>>,
  sizesDelivered: readonly BasketSize[],
): Localized | undefined {
  for (const size of sizesDelivered) {
    const lines = composition?.[size] ?? [];
    if (lines.length === 0) {
      const label = { small: ['petit', 'small'], medium: ['moyen', 'medium'], large: ['grand', 'large'] }[
        size
      ];
      return {
        fr: `Le panier ${label[0]} de la semaine est vide : composez-le avant de valider.`,
        en: `This week's ${label[1]} basket is empty: compose it before approving.`,
      };
    }
    const unknown = lines.find((line) => !products.has(line.productId));
    if (unknown) {
      return {
        fr: `Un produit de la composition n'existe plus (${unknown.productId}).`,
        en: `A product in the composition no longer exists (${unknown.productId}).`,
      };
    }
  }
  return undefined;
}

// ---- Baskets of the week: one per subscription and delivery day ----

/** One basket to prepare: who, where, when, which size, how many (2 when an absence is made up for). */
export interface PlannedBasket {
  week: string;
  subscriptionId: string;
  memberId: string;
  date: IsoDate;
  depotId: string;
  basketSize: BasketSize;
  baskets: number;
  /** Absent members' baskets are not prepared (donated or made up for later). */
  state: 'planned' | 'absent';
}

/** The baskets of a week for a subscription: paused and suspended days are not baskets at all. */
export function basketsOfWeek(
  subscription: Subscription,
  context: ScheduleContext,
  week: string,
): PlannedBasket[] {
  if (!['active', 'paused'].includes(subscription.status)) return [];
  const days = weekDays(week);
  return deliverySchedule(subscription, context, days[0] as IsoDate, days[6] as IsoDate)
    .filter((delivery) => delivery.state !== 'paused' && delivery.state !== 'suspended')
    .map((delivery) => ({
      week,
      subscriptionId: subscription.id,
      memberId: subscription.memberId,
      date: delivery.date,
      depotId: delivery.depotId,
      basketSize: delivery.basketSize,
      baskets: delivery.state === 'absent' ? 0 : delivery.baskets,
      state: delivery.state === 'absent' ? 'absent' : 'planned',
    }));
}

export type BasketCounts = Record<BasketSize, number>;

export function zeroCounts(): BasketCounts {
  return { small: 0, medium: 0, large: 0 };
}

/** Baskets to prepare by depot and size, and in all. */
export function countBaskets(baskets: readonly PlannedBasket[]): {
  byDepot: Record<string, BasketCounts>;
  total: BasketCounts;
} {
  const byDepot = new Map<string, BasketCounts>();
  const total = zeroCounts();
  for (const basket of baskets) {
    if (basket.state !== 'planned') continue;
    const counts = byDepot.get(basket.depotId) ?? zeroCounts();
    byDepot.set(basket.depotId, counts);
    counts[basket.basketSize] += basket.baskets;
    total[basket.basketSize] += basket.baskets;
  }
  return { byDepot: recordOf(byDepot), total };
}

/** Depots with more baskets than they can hold, and by how many. */
export function depotsOverCapacity(
  byDepot: Readonly<Record<string, BasketCounts>>,
  capacities: Readonly<Record<string, number>>,
): Array<{ depotId: string; baskets: number; capacity: number }> {
  return Object.entries(byDepot)
    .map(([depotId, counts]) => ({
      depotId,
      baskets: basketSizes.reduce((sum, size) => sum + counts[size], 0),
      capacity: ownValue(capacities, depotId) ?? 0,
    }))
    .filter((depot) => depot.baskets > depot.capacity);
}

/** What to harvest: each product's total over every basket of the week. */
export function harvestTotals(
  composition: CompositionInput,
  total: BasketCounts,
  products: ReadonlyMap<string, Pick<Product, 'name' | 'unit'>>,
): Array<{ productId: string; name: string; unit: Product['unit']; quantity: number }> {
  const totals = new Map<string, number>();
  for (const size of basketSizes) {
    for (const line of composition[size]) {
      totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity * total[size]);
    }
  }
  return [...totals.entries()]
    .map(([productId, quantity]) => {
      const product = products.get(productId);
      const unit = product?.unit ?? 'piece';
      return { productId, name: product?.name ?? productId, unit, quantity: roundQuantity(quantity, unit) };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

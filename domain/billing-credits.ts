import { formatCalendarDay, isIsoDate, type IsoDate } from './calendar.ts';
import { deliverySchedule, type ScheduleContext, type ScheduledSubscription } from './delivery-schedule.ts';
import type { InvoiceLine } from './invoices.ts';
import { cents, formatEuros, type Cents } from './money.ts';
import { basketPrice, type Pricing } from './pricing.ts';
import { basketSizeLabels, type BasketSize, type Subscription } from './subscription.ts';

/**
 * Credited absences, carried out by billing. An absence noted with the outcome `credited` (the
 * garden's absence-policy extension decided it, or the garden's rule was `credited` when it was
 * noted) is worth that day's basket price, by the subscription's terms that day and the
 * household's tier. It is credited once its day has passed (it can no longer be taken back),
 * on the household's next basket invoice, as a line « Avoir : panier du 12 mai non livré
 * (absence) » with a negative amount:
 *
 * - an invoice never goes below zero: what does not fit waits for the next one (the line says
 *   how much of the price it takes);
 * - an absence is never credited beyond its price: what earlier invoices took is read from
 *   their lines (`absence` names the subscription and the day), so a billing run started again
 *   credits nothing twice;
 * - an absence taken back before its cutoff is no longer among the absences: no credit;
 * - absences noted before outcomes were kept (no `outcome`) are never credited, whatever the
 *   garden's rule is now: history does not change.
 *
 * Monthly billing bills the baskets handed over, so an absent day is not billed: its credit
 * comes with the basket's own line (`creditedBasketLine`), and the two cancel out on the month's
 * invoice. Season billing is paid ahead: a credited absence is in the season's price, and its
 * credit goes on the household's next basket invoice (the next season's installments); until
 * then it is a credit the garden owes, which staff see (`pendingCredit`).
 */

/** One credited absence, and what it is worth. */
export interface AbsenceCredit {
  subscriptionId: string;
  date: IsoDate;
  basketSize: BasketSize;
  /** That day's basket price, by the terms and the tier. */
  amount: Cents;
}

/** The key of an absence's credit: its subscription and its day. */
export function creditKey(credit: { subscriptionId: string; date: string }): string {
  return `${credit.subscriptionId}/${credit.date}`;
}

/**
 * The credited absences of a subscription whose day is before `before` (so past their cutoff:
 * they can no longer be taken back), oldest first, with what each is worth. Only an absent day
 * of the schedule counts: a day a pause or a suspension covers has no basket to credit.
 */
export function creditedAbsences(
  subscription: ScheduledSubscription & Pick<Subscription, 'id'>,
  context: ScheduleContext,
  pricing: Pick<Pricing, 'basketPrices' | 'solidarityTiers'>,
  tierId: string | undefined,
  before: IsoDate,
): AbsenceCredit[] {
  const credited = (subscription.absences ?? [])
    // A stored day that does not exist (a record written by hand) is no delivery to credit.
    .filter((absence) => absence.outcome === 'credited' && isIsoDate(absence.date) && absence.date < before)
    .map((absence) => absence.date)
    .sort();
  const first = credited[0];
  const last = credited[credited.length - 1];
  if (!first || !last) return [];
  const days = new Set(credited);
  return deliverySchedule(subscription, context, first, last)
    .filter((delivery) => delivery.state === 'absent' && days.has(delivery.date))
    .map((delivery) => ({
      subscriptionId: subscription.id,
      date: delivery.date,
      basketSize: delivery.basketSize,
      amount: basketPrice(pricing, delivery.basketSize, tierId),
    }));
}

/** What the household's invoices already credited, by absence (`creditKey`), in cents. */
export function creditedSoFar(
  invoices: ReadonlyArray<{ lines: readonly InvoiceLine[] }>,
): Map<string, number> {
  const taken = new Map<string, number>();
  for (const invoice of invoices) {
    for (const line of invoice.lines) {
      if (!line.absence || line.amount >= 0) continue;
      const key = creditKey(line.absence);
      taken.set(key, (taken.get(key) ?? 0) - line.amount);
    }
  }
  return taken;
}

/** « 12 mai » */
function shortDay(day: IsoDate): string {
  return formatCalendarDay(day, 'fr', { day: 'numeric', month: 'long' });
}

/** An absent basket's own line, for monthly billing (which bills only baskets handed over). */
export function creditedBasketLine(credit: AbsenceCredit): InvoiceLine {
  return {
    label: `${basketSizeLabels[credit.basketSize].fr} du ${shortDay(credit.date)} (absence, crédité ci-dessous)`,
    quantity: 1,
    unitPrice: credit.amount,
    amount: credit.amount,
  };
}

/**
 * The credit lines an invoice of `room` cents can carry (never below zero), oldest absence
 * first, each for what is left of its price after earlier invoices (`soFar`); and what is left
 * to credit on a later invoice.
 */
export function creditLines(
  credits: readonly AbsenceCredit[],
  soFar: ReadonlyMap<string, number>,
  room: number,
): { lines: InvoiceLine[]; carried: Cents } {
  const lines: InvoiceLine[] = [];
  let left = Math.max(0, room);
  let carried = 0;
  for (const credit of [...credits].sort((a, b) => a.date.localeCompare(b.date))) {
    const owed = credit.amount - (soFar.get(creditKey(credit)) ?? 0);
    if (owed <= 0) continue;
    const take = Math.min(owed, left);
    left -= take;
    carried += owed - take;
    if (take === 0) continue;
    const part =
      take === credit.amount ? '' : ` : ${formatEuros(cents(take))} sur ${formatEuros(credit.amount)}`;
    lines.push({
      label: `Avoir : panier du ${shortDay(credit.date)} non livré (absence)${part}`,
      quantity: 1,
      unitPrice: -take,
      amount: -take,
      absence: { subscriptionId: credit.subscriptionId, date: credit.date },
    });
  }
  return { lines, carried: cents(carried) };
}

/** What the garden still owes a household for its credited absences, in cents. */
export function pendingCredit(credits: readonly AbsenceCredit[], soFar: ReadonlyMap<string, number>): Cents {
  return cents(
    credits.reduce(
      (sum, credit) => sum + Math.max(0, credit.amount - (soFar.get(creditKey(credit)) ?? 0)),
      0,
    ),
  );
}

/** Where one credited absence stands: what its invoices credited so far, and what is left. */
export interface AbsenceCreditState extends AbsenceCredit {
  /** Cents credited so far, and on which invoices (by number). */
  credited: number;
  invoices: number[];
  /** Cents still owed: credited on the household's next basket invoice. */
  pending: number;
  /** Its day has passed: billing credits it (until then it may still be taken back). */
  due: boolean;
}

/**
 * Each credited absence of a household with where it stands (for the member and staff): what
 * the invoices credited, on which, and what the garden still owes.
 */
export function absenceCreditStates(
  credits: readonly AbsenceCredit[],
  invoices: ReadonlyArray<{ number: number; lines: readonly InvoiceLine[] }>,
  today: IsoDate,
): AbsenceCreditState[] {
  return [...credits]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((credit) => {
      const key = creditKey(credit);
      const on = invoices.filter((invoice) =>
        invoice.lines.some((line) => line.absence && line.amount < 0 && creditKey(line.absence) === key),
      );
      const credited = creditedSoFar(on).get(key) ?? 0;
      return {
        ...credit,
        credited,
        invoices: on.map((invoice) => invoice.number).sort((a, b) => a - b),
        pending: Math.max(0, credit.amount - credited),
        due: credit.date < today,
      };
    });
}

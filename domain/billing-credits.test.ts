import { describe, expect, it } from 'vitest';
import {
  absenceCreditStates,
  creditedAbsences,
  creditedBasketLine,
  creditedSoFar,
  creditLines,
  pendingCredit,
  type AbsenceCredit,
} from './billing-credits.ts';
import type { ScheduleContext } from './delivery-schedule.ts';
import { cents, formatEuros } from './money.ts';
import { defaultPricing } from './pricing.ts';
import type { Absence } from './subscription.ts';
import { someone, tuesdaySubscription } from '../tests/support/tuesday-subscription.ts';

const context: ScheduleContext = {
  calendar: {
    seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
    closedWeeks: [],
    cutoffHours: 48,
  },
  depotWeekdays: { 'd-mardi': 2 },
  absencePolicy: 'credited',
};

const euros = (amount: number) => formatEuros(cents(amount));

const noted = (date: string, outcome?: Absence['outcome']): Absence => ({
  date,
  reported: someone,
  ...(outcome ? { outcome } : {}),
});

describe('the credited absences of a subscription', () => {
  const subscription = tuesdaySubscription({
    absences: [
      noted('2026-11-10', 'credited'),
      noted('2026-11-17', 'donated'),
      noted('2026-11-24', 'compensated'),
      // Noted before outcomes were kept: never credited, whatever the garden rule is now.
      noted('2026-12-01'),
      noted('2026-12-15', 'credited'),
    ],
    changes: [{ effectiveFrom: '2026-12-08', basketSize: 'large', requested: someone }],
  });

  it('credits only the absences noted credited, each at the price of its day’s terms and tier', () => {
    expect(creditedAbsences(subscription, context, defaultPricing, undefined, '2027-01-01')).toEqual([
      { subscriptionId: 'm-1.2026-11-03', date: '2026-11-10', basketSize: 'medium', amount: 1700 },
      { subscriptionId: 'm-1.2026-11-03', date: '2026-12-15', basketSize: 'large', amount: 2300 },
    ]);
    expect(
      creditedAbsences(subscription, context, defaultPricing, 'solidaire', '2027-01-01').map(
        (credit) => credit.amount,
      ),
    ).toEqual([850, 1150]);
  });

  it('skips a stored day that does not exist', () => {
    const odd = tuesdaySubscription({
      absences: [noted('2026-02-30', 'credited'), noted('2026-11-10', 'credited')],
    });
    expect(
      creditedAbsences(odd, context, defaultPricing, undefined, '2027-01-01').map((credit) => credit.date),
    ).toEqual(['2026-11-10']);
  });

  it('waits for the day to pass: an absence may still be taken back until its cutoff', () => {
    expect(
      creditedAbsences(subscription, context, defaultPricing, undefined, '2026-12-15').map(
        (credit) => credit.date,
      ),
    ).toEqual(['2026-11-10']);
  });

  it('credits nothing for an absence taken back (no longer noted), nor for a day a pause covers', () => {
    const withdrawn = tuesdaySubscription({
      absences: [],
      withdrawnAbsences: [{ ...noted('2026-11-10', 'credited'), withdrawn: someone }],
    });
    expect(creditedAbsences(withdrawn, context, defaultPricing, undefined, '2027-01-01')).toEqual([]);
    const paused = tuesdaySubscription({
      absences: [noted('2026-11-10', 'credited')],
      pause: { from: '2026-11-09', until: '2026-11-20', requested: someone },
    });
    expect(creditedAbsences(paused, context, defaultPricing, undefined, '2027-01-01')).toEqual([]);
  });
});

describe('credit lines on an invoice', () => {
  const credits: AbsenceCredit[] = [
    { subscriptionId: 's-1', date: '2026-05-19', basketSize: 'large', amount: 2300 as never },
    { subscriptionId: 's-1', date: '2026-05-12', basketSize: 'medium', amount: 1700 as never },
  ];

  it('credits each absence at its price, oldest first, in the words the member reads', () => {
    const { lines, carried } = creditLines(credits, new Map(), 10_000);
    expect(lines).toEqual([
      {
        label: 'Avoir : panier du 12 mai non livré (absence)',
        quantity: 1,
        unitPrice: -1700,
        amount: -1700,
        absence: { subscriptionId: 's-1', date: '2026-05-12' },
      },
      {
        label: 'Avoir : panier du 19 mai non livré (absence)',
        quantity: 1,
        unitPrice: -2300,
        amount: -2300,
        absence: { subscriptionId: 's-1', date: '2026-05-19' },
      },
    ]);
    expect(carried).toBe(0);
  });

  it('never takes an invoice below zero: the rest is carried to the next one', () => {
    const first = creditLines(credits, new Map(), 2000);
    expect(first.lines.map((line) => [line.label, line.amount])).toEqual([
      ['Avoir : panier du 12 mai non livré (absence)', -1700],
      [`Avoir : panier du 19 mai non livré (absence) : ${euros(300)} sur ${euros(2300)}`, -300],
    ]);
    expect(first.carried).toBe(2000);
    expect(pendingCredit(credits, creditedSoFar([{ lines: first.lines }]))).toBe(2000);

    const next = creditLines(credits, creditedSoFar([{ lines: first.lines }]), 5000);
    expect(next.lines.map((line) => [line.label, line.amount])).toEqual([
      [`Avoir : panier du 19 mai non livré (absence) : ${euros(2000)} sur ${euros(2300)}`, -2000],
    ]);
    expect(next.carried).toBe(0);
    expect(creditLines(credits, new Map(), 0)).toEqual({ lines: [], carried: 4000 });
  });

  it('never credits the same absence twice: what earlier invoices credited is read from their lines', () => {
    const issued = [
      { lines: [{ label: 'Panier moyen', quantity: 4, unitPrice: 1700, amount: 6800 }] },
      { lines: creditLines(credits, new Map(), 10_000).lines },
    ];
    const soFar = creditedSoFar(issued);
    expect(soFar).toEqual(
      new Map([
        ['s-1/2026-05-12', 1700],
        ['s-1/2026-05-19', 2300],
      ]),
    );
    expect(creditLines(credits, soFar, 10_000)).toEqual({ lines: [], carried: 0 });
    expect(pendingCredit(credits, soFar)).toBe(0);
  });

  it('bills an absent basket beside its credit for monthly billing, so the two cancel out', () => {
    const [credit] = credits;
    const billed = creditedBasketLine(credit!);
    expect(billed).toEqual({
      label: 'Grand panier du 19 mai (absence, crédité ci-dessous)',
      quantity: 1,
      unitPrice: 2300,
      amount: 2300,
    });
    const { lines } = creditLines([credit!], new Map(), billed.amount);
    expect(billed.amount + (lines[0]?.amount ?? 0)).toBe(0);
  });
});

describe('where each credited absence stands', () => {
  const credits: AbsenceCredit[] = [
    { subscriptionId: 's-1', date: '2026-05-12', basketSize: 'medium', amount: cents(1700) },
    { subscriptionId: 's-1', date: '2026-05-19', basketSize: 'medium', amount: cents(1700) },
    { subscriptionId: 's-1', date: '2026-06-16', basketSize: 'medium', amount: cents(1700) },
  ];

  it('says what was credited on which invoice, what is still owed, and what is not due yet', () => {
    const first = creditLines(credits.slice(0, 2), new Map(), 2000).lines;
    const second = creditLines(credits.slice(0, 2), creditedSoFar([{ lines: first }]), 1000).lines;
    const states = absenceCreditStates(
      credits,
      [
        { number: 41, lines: [{ label: 'Panier', quantity: 1, unitPrice: 1700, amount: 1700 }] },
        { number: 42, lines: first },
        { number: 45, lines: second },
      ],
      '2026-06-01',
    );
    expect(
      states.map((state) => [state.date, state.credited, state.invoices, state.pending, state.due]),
    ).toEqual([
      ['2026-05-12', 1700, [42], 0, true],
      ['2026-05-19', 1300, [42, 45], 400, true],
      ['2026-06-16', 0, [], 1700, false],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  addMonthsTo,
  balanceOf,
  daysOverdue,
  monthRangeRefusal,
  monthsBetween,
  nextStepOf,
  paymentsByMonth,
  pricingRefusal,
  receivedOnRefusal,
} from './billing-views.ts';
import { defaultPricing } from './pricing.ts';

describe('billing views', () => {
  const invoice = (
    total: number,
    paid: number,
    dueOn: string,
    status: 'open' | 'paid' | 'written-off' = 'open',
  ) => ({
    total,
    dueOn,
    status,
    payments: paid
      ? [
          {
            id: 'p',
            method: 'cash' as const,
            amount: paid,
            receivedOn: '2026-01-01',
            recorded: { by: { userId: 'u', name: 'U' }, at: '' },
          },
        ]
      : [],
  });

  it('sums what is still due on open invoices, and the part past due', () => {
    expect(
      balanceOf(
        [
          invoice(5000, 2000, '2026-11-01'),
          invoice(3000, 0, '2026-11-20'),
          invoice(1000, 1000, '2026-10-01', 'paid'),
          invoice(900, 0, '2026-09-01', 'written-off'),
        ],
        '2026-11-10',
      ),
    ).toEqual({ due: 6000, overdue: 3000 });
    // Due today is not late yet.
    expect(balanceOf([invoice(1000, 0, '2026-11-10')], '2026-11-10')).toEqual({ due: 1000, overdue: 0 });
    expect(balanceOf([], '2026-11-10')).toEqual({ due: 0, overdue: 0 });
  });

  it('counts days overdue, never below zero', () => {
    expect(daysOverdue('2026-10-31', '2026-11-10')).toBe(10);
    expect(daysOverdue('2026-03-28', '2026-03-30')).toBe(2); // across the change to summer time
    expect(daysOverdue('2026-11-20', '2026-11-10')).toBe(0);
  });

  it('walks months across years, both ends included', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-02')).toEqual(['2026-02']);
    expect(monthsBetween('2026-03', '2026-02')).toEqual([]);
    expect(addMonthsTo('2026-01', -11)).toBe('2025-02');
    expect(addMonthsTo('2025-12', 1)).toBe('2026-01');
    expect(addMonthsTo('2026-03', -3)).toBe('2025-12');
  });

  it('sums payments by month and method, leaving out those outside the months', () => {
    const report = paymentsByMonth(
      [
        { method: 'cheque', amount: 1500, receivedOn: '2026-01-03' },
        { method: 'cheque', amount: 500, receivedOn: '2026-01-31' },
        { method: 'sepa', amount: 2300, receivedOn: '2026-02-05' },
        { method: 'cash', amount: 999, receivedOn: '2025-12-31' },
      ],
      '2026-01',
      '2026-02',
    );
    expect(report.months.map((month) => [month.month, month.total, month.count])).toEqual([
      ['2026-01', 2000, 2],
      ['2026-02', 2300, 1],
    ]);
    expect(report.byMethod).toEqual({ card: 0, sepa: 2300, cheque: 2000, cash: 0, transfer: 0 });
    expect(report.total).toBe(4300);
  });

  it('refuses reversed or too long month ranges', () => {
    expect(monthRangeRefusal('2026-01', '2026-12')).toBeUndefined();
    expect(monthRangeRefusal('2026-02', '2026-01')?.fr).toBe(
      'Le mois de début doit précéder le mois de fin.',
    );
    expect(monthRangeRefusal('2023-01', '2026-01')?.fr).toBe('Choisissez au plus 36 mois.');
  });

  it('refuses two solidarity tiers with the same code or name', () => {
    const { version: _version, ...input } = defaultPricing;
    expect(pricingRefusal(input)).toBeUndefined();
    const tier = input.solidarityTiers[0];
    if (!tier) throw new Error('the defaults have a tier');
    expect(pricingRefusal({ ...input, solidarityTiers: [tier, { ...tier, label: 'Autre' }] })).toEqual({
      field: 'solidarityTiers',
      message: expect.objectContaining({ fr: 'Deux tarifs solidaires portent le même code « solidaire ».' }),
    });
    expect(
      pricingRefusal({
        ...input,
        solidarityTiers: [tier, { ...tier, id: 'autre', label: ' tarif SOLIDAIRE' }],
      })?.message.fr,
    ).toBe('Deux tarifs solidaires s’appellent « tarif SOLIDAIRE ».');
  });

  it('accepts a payment received on a real day up to today', () => {
    expect(receivedOnRefusal('2026-11-10', '2026-11-10')).toBeUndefined();
    expect(receivedOnRefusal('2026-11-11', '2026-11-10')?.fr).toBe(
      'La date de réception ne peut pas être dans le futur.',
    );
    expect(receivedOnRefusal('2026-02-29', '2026-11-10')?.fr).toBe("La date 2026-02-29 n'existe pas.");
    expect(receivedOnRefusal('2020-01-01', '2026-11-10')?.fr).toMatch(/plus de trois ans/);
  });
});

describe('the next step of an open invoice', () => {
  const today = '2026-11-10';
  const dueAt = '2026-11-15T07:00:00.000Z';
  const step = (
    phase: Parameters<typeof nextStepOf>[0]['phase'],
    hasPaymentMethod: boolean,
    dueOn = '2026-11-15',
    nextAttemptAt: string | undefined = dueAt,
  ) => nextStepOf({ phase, nextAttemptAt, dueOn, hasPaymentMethod, today, timeZone: 'Europe/Paris' });

  it('announces a charge at the due date only to a household with a card or mandate', () => {
    expect(step('scheduled', true)).toEqual({ step: 'charge', on: '2026-11-15' });
    expect(step('scheduled', false)).toEqual({ step: 'pay-manually', on: '2026-11-15' });
    // The due day itself is the last day to pay by hand: still « au plus tard le » that day.
    expect(step('scheduled', false, today, undefined)).toEqual({ step: 'pay-manually', on: today });
    // Past due, nobody to charge: the garden waits for a cheque, cash or a transfer.
    expect(step('scheduled', false, '2026-11-01', '2026-11-01T07:00:00.000Z')).toEqual({
      step: 'awaiting-payment',
    });
  });

  it('announces a retry only when there is still something to charge', () => {
    expect(step('waiting-retry', true, '2026-11-01', '2026-11-13T07:00:00.000Z')).toEqual({
      step: 'retry',
      on: '2026-11-13',
    });
    expect(step('waiting-retry', false, '2026-11-01', '2026-11-13T07:00:00.000Z')).toEqual({
      step: 'awaiting-payment',
    });
  });

  it('reads the retry day in the garden’s time zone', () => {
    // 23:30 UTC is already the next day in Paris.
    expect(step('waiting-retry', true, '2026-11-01', '2026-11-12T23:30:00.000Z')).toEqual({
      step: 'retry',
      on: '2026-11-13',
    });
  });

  it('says what the garden waits for in the other phases', () => {
    expect(step('awaiting-manual', false)).toEqual({ step: 'awaiting-payment' });
    expect(step('awaiting-manual', true)).toEqual({ step: 'method-saved' });
    expect(step('charging', true)).toEqual({ step: 'charging' });
    expect(step('awaiting-result', true)).toEqual({ step: 'bank' });
    expect(step('awaiting-decision', false)).toEqual({ step: 'decision' });
    expect(step('suspended', false)).toEqual({ step: 'suspended' });
    expect(step('paid', true)).toBeUndefined();
  });

  it('without a workflow, still says that a household without a means of payment pays by hand', () => {
    expect(step(undefined, false, '2026-11-15', undefined)).toEqual({
      step: 'pay-manually',
      on: '2026-11-15',
    });
    expect(step(undefined, true, '2026-11-15', undefined)).toBeUndefined();
  });
});

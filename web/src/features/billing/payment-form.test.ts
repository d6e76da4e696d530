import { describe, expect, it } from 'vitest';
import { checkPaymentForm, emptyPaymentForm, eurosText } from './payment-form.ts';

describe('payment form', () => {
  const today = '2026-11-20';

  it('starts as a cheque for what is still due, received today', () => {
    expect(emptyPaymentForm(4550, today)).toEqual({
      method: 'cheque',
      amount: '45,50',
      receivedOn: today,
      reference: '',
      bank: '',
    });
    expect(eurosText(5)).toBe('0,05');
  });

  it('reads euros as people type them and keeps the bank for cheques only', () => {
    expect(
      checkPaymentForm(
        { method: 'cheque', amount: ' 12,5 € ', receivedOn: today, reference: ' 0042 ', bank: ' La Poste ' },
        4550,
        today,
        'fr',
      ),
    ).toEqual({
      ok: true,
      input: { method: 'cheque', amount: 1250, receivedOn: today, reference: '0042', bank: 'La Poste' },
    });
    expect(
      checkPaymentForm(
        { method: 'cash', amount: '45.50', receivedOn: '2026-11-02', reference: '', bank: 'ignorée' },
        4550,
        today,
        'fr',
      ),
    ).toEqual({ ok: true, input: { method: 'cash', amount: 4550, receivedOn: '2026-11-02' } });
  });

  it('says what is wrong, field by field, in French', () => {
    const check = (amount: string, extra: Partial<Parameters<typeof checkPaymentForm>[0]> = {}) =>
      checkPaymentForm(
        { method: 'cheque', amount, receivedOn: today, reference: '', bank: '', ...extra },
        4550,
        today,
        'fr',
      );
    expect(check('')).toEqual({
      ok: false,
      issues: [
        { field: 'amount', message: 'Indiquez le montant reçu.' },
        { field: 'reference', message: 'Indiquez le numéro du chèque.' },
      ],
    });
    expect(check('douze', { method: 'cash' })).toEqual({
      ok: false,
      issues: [{ field: 'amount', message: "« douze » n'est pas un montant : écrivez par exemple 12,50." }],
    });
    expect(check('0', { method: 'cash' })).toMatchObject({
      issues: [{ field: 'amount', message: 'Le montant doit être supérieur à zéro.' }],
    });
    expect(check('45,51', { method: 'transfer' })).toEqual({
      ok: false,
      issues: [{ field: 'amount', message: 'Le montant dépasse ce qui reste dû (45,50\u00a0€).' }],
    });
    expect(check('10', { method: 'cash', receivedOn: '2026-11-21' })).toMatchObject({
      issues: [{ field: 'receivedOn', message: 'La date de réception ne peut pas être dans le futur.' }],
    });
    expect(
      checkPaymentForm(
        { method: 'cash', amount: '', receivedOn: today, reference: '', bank: '' },
        100,
        today,
        'en',
      ),
    ).toMatchObject({
      issues: [{ message: 'Give the amount received.' }],
    });
  });
});

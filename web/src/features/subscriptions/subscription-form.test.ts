import { describe, expect, it } from 'vitest';
import {
  checkRejection,
  checkSubscriptionForm,
  defaultStartDate,
  emptySubscriptionForm,
} from './subscription-form.ts';

const today = '2026-11-24'; // a Tuesday

describe('subscription form', () => {
  it('starts a week from today, or on the depot’s delivery day from then on', () => {
    expect(defaultStartDate(today)).toBe('2026-12-01');
    expect(defaultStartDate(today, 2)).toBe('2026-12-01');
    expect(defaultStartDate(today, 5)).toBe('2026-12-04');
    expect(defaultStartDate(today, 1)).toBe('2026-12-07');
  });

  it('calls unchosen fields required, in French', () => {
    const check = checkSubscriptionForm('m-1', emptySubscriptionForm(today), today, 'fr');
    expect(check.ok ? [] : check.issues).toEqual([
      { field: 'basketSize', message: '« Taille de panier » est obligatoire.' },
      { field: 'depotId', message: '« Point de dépôt » est obligatoire.' },
    ]);
  });

  it('refuses a start date in the past with the API’s sentence', () => {
    const form = {
      basketSize: 'small',
      frequency: 'weekly',
      depotId: 'd-1',
      startDate: '2026-11-01',
    } as const;
    const check = checkSubscriptionForm('m-1', form, today, 'fr');
    expect(check.ok ? [] : check.issues).toEqual([
      { field: 'startDate', message: 'La date de début ne peut pas être dans le passé.' },
    ]);
  });

  it('gives the request to send when all is well', () => {
    const form = {
      basketSize: 'large',
      frequency: 'fortnightly',
      depotId: 'd-1',
      startDate: '2026-12-04',
    } as const;
    expect(checkSubscriptionForm('m-1', form, today, 'fr')).toEqual({
      ok: true,
      request: { memberId: 'm-1', ...form },
    });
  });

  it('wants a real reason for a rejection', () => {
    expect(checkRejection('  ', 'fr')).toBe('Indiquez le motif du refus : il sera communiqué à l’adhérent.');
    expect(checkRejection('ok', 'en')).toBe('Give the reason for the rejection: the member will be told.');
    expect(checkRejection('x'.repeat(501), 'fr')).toBe('« Motif » ne peut pas dépasser 500 caractères.');
    expect(checkRejection('Plus de place', 'fr')).toBeUndefined();
  });
});

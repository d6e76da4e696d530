import { describe, expect, it } from 'vitest';
import {
  checkApplicationForm,
  eligibleStartDates,
  emptyApplicationForm,
  seasonDeliveries,
} from './application-form.ts';

const today = '2026-11-24'; // a Tuesday
const offer = {
  seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-01-10' }],
  closedWeeks: ['2026-W49'],
};

describe('application form', () => {
  it('proposes the depot’s next delivery days: in a season, not in a closed week, from tomorrow', () => {
    // Week 49 (30 November – 6 December) is closed.
    expect(eligibleStartDates(offer, 2, today, 5)).toEqual([
      '2026-12-08',
      '2026-12-15',
      '2026-12-22',
      '2026-12-29',
      '2027-01-05',
    ]);
    // The same for the Friday depot; the season ends on 10 January.
    expect(eligibleStartDates(offer, 5, today)).toEqual([
      '2026-11-27',
      '2026-12-11',
      '2026-12-18',
      '2026-12-25',
      '2027-01-01',
      '2027-01-08',
    ]);
  });

  it('counts the baskets of the season from the start day, as season billing does', () => {
    // Tuesdays from 8 December to the season's end on 10 January: 8, 15, 22, 29 Dec and 5 Jan.
    expect(seasonDeliveries(offer, 2, 'weekly', '2026-12-08')).toEqual({ seasonId: '2026-2027', count: 5 });
    // Every other week from 8 December: 8, 22 Dec and 5 Jan.
    expect(seasonDeliveries(offer, 2, 'fortnightly', '2026-12-08')).toEqual({
      seasonId: '2026-2027',
      count: 3,
    });
    // Fridays from 27 November, week 49 closed: 27 Nov, 11, 18, 25 Dec, 1 and 8 Jan.
    expect(seasonDeliveries(offer, 5, 'weekly', '2026-11-27')?.count).toBe(6);
    expect(seasonDeliveries(offer, 5, 'weekly', '2027-02-05')).toBeUndefined();
  });

  it('starts with the names and email of the account, editable', () => {
    const form = emptyApplicationForm('rosa@example.org', { firstName: ' Rosa ', lastName: 'Bonheur' });
    expect(form.household).toMatchObject({
      firstName: 'Rosa',
      lastName: 'Bonheur',
      email: 'rosa@example.org',
    });
    expect(emptyApplicationForm().household).toMatchObject({ firstName: '', lastName: '', email: '' });
  });

  it('names every problem at once, in the API’s words', () => {
    const check = checkApplicationForm(emptyApplicationForm('rosa@example.org'), true, today, 'fr');
    expect(check.ok ? [] : check.issues).toEqual([
      { field: 'firstName', message: '« Prénom » est obligatoire.' },
      { field: 'lastName', message: '« Nom » est obligatoire.' },
      { field: 'basketSize', message: '« Taille de panier » est obligatoire.' },
      { field: 'depotId', message: '« Point de dépôt » est obligatoire.' },
      { field: 'startDate', message: '« Date de début » est obligatoire.' },
      { field: 'consent', message: 'Pour adhérer, acceptez les conditions du jardin.' },
    ]);
  });

  it('gives the application to send, household included for a new person only', () => {
    const form = emptyApplicationForm(' Rosa@Example.org ');
    form.household.firstName = 'Rosa';
    form.household.lastName = 'Bonheur';
    form.household.phone = '06 12 34 56 78';
    form.subscription = {
      basketSize: 'small',
      frequency: 'fortnightly',
      depotId: 'd-centre',
      startDate: '2026-12-01',
    };
    form.consent = true;
    expect(checkApplicationForm(form, true, today, 'fr')).toEqual({
      ok: true,
      input: {
        household: {
          firstName: 'Rosa',
          lastName: 'Bonheur',
          email: 'rosa@example.org',
          phone: '+33612345678',
          language: 'fr',
        },
        subscription: {
          basketSize: 'small',
          frequency: 'fortnightly',
          depotId: 'd-centre',
          startDate: '2026-12-01',
        },
        consent: true,
      },
    });
    // In English, the newcomer will read the garden's messages in English.
    const english = checkApplicationForm(form, true, today, 'en');
    expect(english.ok && english.input.household?.language).toBe('en');
    const member = checkApplicationForm(
      { ...form, household: emptyApplicationForm().household },
      false,
      today,
      'en',
    );
    expect(member.ok && member.input).toEqual({
      subscription: {
        basketSize: 'small',
        frequency: 'fortnightly',
        depotId: 'd-centre',
        startDate: '2026-12-01',
      },
      consent: true,
    });
  });
});

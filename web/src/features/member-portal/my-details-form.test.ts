import { describe, expect, it } from 'vitest';
import { aMember } from '../../testing/fixtures.ts';
import { checkMyDetailsForm, myDetailsFormOf, myDetailsOf } from './my-details-form.ts';

const member = aMember({ notes: 'Paie par chèque', accessNotes: 'Code 1871', language: 'en' });

describe('« Mes données » form', () => {
  it('shows the record as the member typed it, the phone the French way', () => {
    expect(myDetailsFormOf(member)).toEqual({
      firstName: 'Élodie',
      lastName: 'Bérard',
      email: 'elodie@example.org',
      phone: '06 12 34 56 78',
      street: '3 rue des Lilas',
      postalCode: '25000',
      city: 'Besançon',
    });
  });

  it('sends only what a member may change, emptied fields left out, and keeps the rest of the record', () => {
    const form = { ...myDetailsFormOf(member), email: '  ', phone: '07 11 22 33 44 ', city: ' Ornans ' };
    expect(myDetailsOf(form)).toEqual({
      firstName: 'Élodie',
      lastName: 'Bérard',
      phone: '07 11 22 33 44',
      address: { street: '3 rue des Lilas', postalCode: '25000', city: 'Ornans' },
    });
    const check = checkMyDetailsForm(form, member, 'fr');
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.input).toEqual({
      firstName: 'Élodie',
      lastName: 'Bérard',
      phone: '+33711223344',
      address: { street: '3 rue des Lilas', postalCode: '25000', city: 'Ornans' },
      householdSize: 3,
      notes: 'Paie par chèque',
      accessNotes: 'Code 1871',
      language: 'en',
    });
  });

  it("says what is wrong in the API's words: names required, a whole address, a phone while SMS are on", () => {
    const blank = checkMyDetailsForm({ ...myDetailsFormOf(member), lastName: ' ', street: '' }, member, 'fr');
    expect(blank.ok).toBe(false);
    if (!blank.ok) {
      expect(blank.issues).toEqual(
        expect.arrayContaining([
          { field: 'lastName', message: '« Nom » est obligatoire.' },
          expect.objectContaining({ field: 'street' }),
        ]),
      );
    }
    const sms = aMember({ contactPreferences: { email: true, sms: true } });
    const noPhone = checkMyDetailsForm({ ...myDetailsFormOf(sms), phone: '' }, sms, 'en');
    expect(noPhone.ok).toBe(false);
    if (!noPhone.ok)
      expect(noPhone.issues).toEqual([{ field: 'phone', message: expect.stringMatching(/text message/) }]);
    const badPhone = checkMyDetailsForm({ ...myDetailsFormOf(member), phone: '12 34' }, member, 'fr');
    expect(badPhone.ok).toBe(false);
  });
});

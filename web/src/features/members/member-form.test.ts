import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { MemberInput } from '../../../../domain/member.ts';
import { describeSchemaErrors } from '../../../../domain/validation.ts';
import { aMember } from '../../testing/fixtures.ts';
import { checkMemberForm, emptyMemberForm, memberFormOf, memberInputOf } from './member-form.ts';

const filled = { ...emptyMemberForm(), firstName: ' Élodie ', lastName: 'Bérard ' };

describe('member form', () => {
  it('leaves empty optional fields out rather than sending ""', () => {
    expect(memberInputOf(filled)).toEqual({ firstName: 'Élodie', lastName: 'Bérard' });
  });

  it('sends the address whole or not at all', () => {
    expect(memberInputOf({ ...filled, city: 'Besançon' })).toEqual({
      firstName: 'Élodie',
      lastName: 'Bérard',
      address: { street: '', postalCode: '', city: 'Besançon' },
    });
    const check = checkMemberForm({ ...filled, city: 'Besançon' }, 'fr');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.issues.map((issue) => issue.field).sort()).toEqual(['postalCode', 'street']);
    }
  });

  it('says what is wrong in the same words as the API', () => {
    const form = {
      ...emptyMemberForm(),
      lastName: '   ',
      email: 'pas-un-courriel',
      postalCode: '250',
      householdSize: '0',
    };
    const check = checkMemberForm(form, 'fr');
    expect(check.ok).toBe(false);
    if (check.ok) return;
    // The API validates the body with the same schema and describes errors with the same function.
    const api = describeSchemaErrors(Value.Errors(MemberInput, memberInputOf(form)), 'fr');
    expect(check.issues.slice(0, api.length)).toEqual(api);
    // …but names every field at once, where TypeBox stops at 8 errors by default.
    expect(check.issues.map((issue) => issue.field)).toEqual([
      'firstName',
      'lastName',
      'email',
      'street',
      'postalCode',
      'city',
      'householdSize',
    ]);
    expect(Object.fromEntries(check.issues.map((issue) => [issue.field, issue.message]))).toMatchObject({
      firstName: '« Prénom » est obligatoire.',
      lastName: '« Nom » est obligatoire.',
      email: "« Courriel » n'a pas le bon format.",
      householdSize: '« Personnes au foyer » doit être au moins 1.',
    });
  });

  it('speaks English when the person reads English', () => {
    const check = checkMemberForm(emptyMemberForm(), 'en');
    expect(check.ok ? [] : check.issues).toContainEqual({
      field: 'firstName',
      message: '« First name » is required.',
    });
  });

  it('refuses a phone number that cannot be one, as the API does', () => {
    const check = checkMemberForm({ ...filled, phone: '06 12 34' }, 'fr');
    expect(check.ok ? [] : check.issues).toEqual([
      { field: 'phone', message: '« Téléphone » n’est pas un numéro valide (exemple : 06 12 34 56 78).' },
    ]);
  });

  it('gives a complete input ready to send, phone in E.164', () => {
    const check = checkMemberForm(
      {
        ...filled,
        email: ' Elodie@Example.org ',
        phone: '06 12 34 56 78',
        street: '3 rue des Lilas',
        postalCode: '25000',
        city: 'Besançon',
        householdSize: '3',
        notes: 'Allergie au céleri',
      },
      'fr',
    );
    expect(check).toEqual({
      ok: true,
      input: {
        firstName: 'Élodie',
        lastName: 'Bérard',
        email: 'elodie@example.org',
        phone: '+33612345678',
        address: { street: '3 rue des Lilas', postalCode: '25000', city: 'Besançon' },
        householdSize: 3,
        notes: 'Allergie au céleri',
      },
    });
  });

  it("sends the language of the garden's messages only when chosen, and fills it from the record", () => {
    expect(memberInputOf({ ...filled, language: 'en' })).toEqual({
      firstName: 'Élodie',
      lastName: 'Bérard',
      language: 'en',
    });
    expect(memberInputOf(filled)).not.toHaveProperty('language');
    expect(memberFormOf(aMember({ language: 'en' })).language).toBe('en');
    expect(memberFormOf(aMember()).language).toBe('');
    const check = checkMemberForm({ ...filled, language: 'fr' }, 'fr');
    expect(check.ok && check.input.language).toBe('fr');
  });

  it('fills the form from a record, phone the French way', () => {
    expect(memberFormOf(aMember())).toMatchObject({ phone: '06 12 34 56 78', householdSize: '3', notes: '' });
  });
});

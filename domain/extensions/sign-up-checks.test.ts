import { describe, expect, it } from 'vitest';
import { answerProblems, builtInSignUpChecks, declaredAnswers, type SignUpField } from './sign-up-checks.ts';

const fields: SignUpField[] = [
  {
    key: 'socialBasket',
    kind: 'checkbox',
    label: { fr: 'Panier solidaire', en: 'Social basket' },
    required: false,
  },
  {
    key: 'associationNumber',
    kind: 'text',
    label: { fr: 'Numéro d’orientation', en: 'Referral number' },
    required: true,
    maxLength: 12,
  },
  {
    key: 'people',
    kind: 'number',
    label: { fr: 'Personnes', en: 'People' },
    required: false,
    minimum: 1,
    maximum: 12,
  },
  {
    key: 'heardOf',
    kind: 'choice',
    label: { fr: 'Connu par', en: 'Heard of us' },
    required: false,
    options: [{ value: 'market', label: { fr: 'Au marché', en: 'At the market' } }],
  },
  { key: 'terms', kind: 'checkbox', label: { fr: 'J’atteste', en: 'I certify' }, required: true },
];

describe('sign-up checks', () => {
  it('add nothing without an extension', () => {
    expect(
      builtInSignUpChecks({ application: { alreadyMember: false }, answers: { socialBasket: true } }),
    ).toEqual({ fields: [], problems: [] });
  });

  it('hold answers to what the fields declare, in both languages', () => {
    const problems = answerProblems(fields, {
      associationNumber: 'ABCDEFGHIJKLMNOP',
      people: 0,
      heardOf: 'radio',
      terms: false,
    });
    expect(problems).toEqual([
      {
        field: 'associationNumber',
        message: {
          fr: '« Numéro d’orientation » fait plus de 12 caractères.',
          en: '"Referral number" is longer than 12 characters.',
        },
      },
      {
        field: 'people',
        message: { fr: '« Personnes » doit valoir au moins 1.', en: '"People" must be at least 1.' },
      },
      {
        field: 'heardOf',
        message: {
          fr: '« Connu par » n’est pas un choix proposé.',
          en: '"Heard of us" is not one of the choices.',
        },
      },
      {
        field: 'terms',
        message: { fr: '« J’atteste » doit être coché.', en: '"I certify" must be ticked.' },
      },
    ]);
  });

  it('refuse an answer of the wrong kind, and a required one left empty', () => {
    expect(
      answerProblems(fields, { socialBasket: 'yes', associationNumber: '', people: 2.5, terms: true }),
    ).toEqual([
      {
        field: 'socialBasket',
        message: {
          fr: '« Panier solidaire » doit être coché ou non.',
          en: '"Social basket" must be ticked or not.',
        },
      },
      {
        field: 'associationNumber',
        message: { fr: '« Numéro d’orientation » est obligatoire.', en: '"Referral number" is required.' },
      },
      {
        field: 'people',
        message: { fr: '« Personnes » doit être un nombre entier.', en: '"People" must be a whole number.' },
      },
    ]);
  });

  it('keep only the answers to declared fields (nothing inherited either)', () => {
    const answers = JSON.parse('{"socialBasket":true,"unknown":"x","__proto__":{"terms":true}}') as Record<
      string,
      string | boolean
    >;
    expect(declaredAnswers(fields, answers)).toEqual({ socialBasket: true });
    expect(answerProblems(fields, answers).map((problem) => problem.field)).toEqual([
      'associationNumber',
      'terms',
    ]);
  });
});

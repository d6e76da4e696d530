import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import {
  formatIban,
  GardenContactInput,
  ibanRefusal,
  normalizeGardenContact,
  normalizeIban,
} from './garden-contact.ts';
import { schemaIssues } from './validation.ts';

describe('IBAN', () => {
  it('accepts real IBANs typed any way: groups, lower case, spaces', () => {
    for (const iban of [
      'FR76 3000 6000 0112 3456 7890 189',
      'fr7630006000011234567890189',
      'DE89 3704 0044 0532 0130 00',
      'BE68 5390 0754 7034',
      'GB82 WEST 1234 5698 7654 32',
    ]) {
      expect(ibanRefusal(iban), iban).toBeUndefined();
    }
    expect(normalizeIban(' fr76 3000 6000 0112 3456 7890 189 ')).toBe('FR7630006000011234567890189');
    expect(formatIban('FR7630006000011234567890189')).toBe('FR76 3000 6000 0112 3456 7890 189');
  });

  it('refuses a wrong check digit, a swapped pair, a missing character, in French', () => {
    expect(ibanRefusal('FR77 3000 6000 0112 3456 7890 189')?.fr).toContain(
      'clé de contrôle ne correspond pas',
    );
    expect(ibanRefusal('FR76 3000 6000 0112 3456 7809 189')?.fr).toContain('clé de contrôle');
    expect(ibanRefusal('FR76 3000 6000 0112 3456 7890 18')?.fr).toBe(
      'Un IBAN commençant par FR compte 27 caractères ; celui-ci en a 26. Vérifiez qu’il ne manque ou ne dépasse rien.',
    );
    expect(ibanRefusal('12 3456')?.fr).toContain('n’a pas la forme d’un IBAN');
  });
});

describe('a garden contact', () => {
  const input: GardenContactInput = {
    email: 'Contact@Jardin.Example.org',
    phone: '03 81 12 34 56',
    address: '  2 chemin des Vergers\n25220 Chalezeule  ',
    payment: {
      payee: ' Les Jardins du Val ',
      iban: 'fr76 3000 6000 0112 3456 7890 189',
      bic: 'agri fr pp 825',
      chequeAddress: '   ',
    },
  };

  it('is kept normalised: email lower case, phone E.164, IBAN and BIC in capitals, blanks left out', () => {
    expect(Value.Check(GardenContactInput, input)).toBe(true);
    expect(normalizeGardenContact(input)).toEqual({
      ok: true,
      value: {
        email: 'contact@jardin.example.org',
        phone: '+33381123456',
        address: '2 chemin des Vergers\n25220 Chalezeule',
        payment: { payee: 'Les Jardins du Val', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP825' },
      },
    });
  });

  it('refuses an IBAN whose check digits are wrong, naming the field', () => {
    const outcome = normalizeGardenContact({
      ...input,
      payment: { payee: 'Jardin', iban: 'FR76 3000 6000 0112 3456 7890 188' },
    });
    expect(outcome).toMatchObject({ ok: false, field: 'iban' });
  });

  it('names malformed fields in French, by their labels', () => {
    const issues = schemaIssues(
      GardenContactInput,
      { email: 'pas-un-courriel', phone: '12', payment: { payee: ' ', iban: 'IBAN?', bic: 'X' } },
      'fr',
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'email', message: "« Courriel » n'a pas le bon format." },
        { field: 'phone', message: '« Téléphone » n’est pas un numéro valide (exemple : 06 12 34 56 78).' },
        { field: 'payee', message: '« Bénéficiaire » est obligatoire.' },
        {
          field: 'iban',
          message: '« IBAN » n’a pas la forme d’un IBAN (exemple : FR76 3000 6000 0112 3456 7890 189).',
        },
        { field: 'bic', message: '« BIC » n’a pas la forme d’un BIC (exemple : AGRIFRPP825).' },
      ]),
    );
  });
});

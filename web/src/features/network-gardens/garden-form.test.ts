import { describe, expect, it } from 'vitest';
import { checkGardenForm, emptyGardenForm, suggestSlug, type GardenFormModel } from './garden-form.ts';

const labels = {
  slug: 'Identifiant court',
  legalName: 'Raison sociale',
  contactEmail: 'Courriel de contact',
};

const filled: GardenFormModel = {
  ...emptyGardenForm(),
  name: '  Les Jardins du Val de Loue ',
  slug: ' Val-Loue ',
  city: 'Ornans',
  legalName: 'Association Les Jardins du Val de Loue',
  siret: '123 456 789 00012',
  address: '3 rue du Moulin, 25290 Ornans',
  contactEmail: 'contact@loue.example.org',
  firstName: 'Hélène',
  lastName: 'Boucher',
  email: ' helene@loue.example.org ',
};

describe('« Créer un jardin »', () => {
  it('suggests a slug from the name: no accents, no filler words, single dashes, 40 characters at most', () => {
    expect(suggestSlug('Les Jardins de Cocagne du Val de Loue')).toBe('val-loue');
    expect(suggestSlug('Jardin d’Épinal — Côte-Saint-Pierre')).toBe('epinal-cote-saint-pierre');
    expect(suggestSlug('Les Jardins')).toBe('les-jardins');
    expect(suggestSlug('<b>Ferme</b>   des   Près')).toBe('b-ferme-b-pres');
    expect(
      suggestSlug('Association pour la réinsertion par le maraîchage biologique du Haut-Doubs').length,
    ).toBeLessThanOrEqual(40);
    expect(suggestSlug('')).toBe('');
  });

  it('sends the request trimmed, the slug in lowercase and the SIRET without spaces', () => {
    const checked = checkGardenForm(filled, 'fr', labels);
    expect(checked).toEqual({
      ok: true,
      input: {
        slug: 'val-loue',
        name: 'Les Jardins du Val de Loue',
        city: 'Ornans',
        legal: {
          legalName: 'Association Les Jardins du Val de Loue',
          siret: '12345678900012',
          address: '3 rue du Moulin, 25290 Ornans',
        },
        contactEmail: 'contact@loue.example.org',
        timeZone: 'Europe/Paris',
        firstAdmin: { firstName: 'Hélène', lastName: 'Boucher', email: 'helene@loue.example.org' },
      },
    });
  });

  it('refuses each field with a French sentence naming it as the form does', () => {
    const checked = checkGardenForm(
      { ...emptyGardenForm(), slug: 'a--b', siret: '123', contactEmail: 'pas une adresse' },
      'fr',
      labels,
    );
    expect(checked.ok).toBe(false);
    const byField = Object.fromEntries(
      (checked.ok ? [] : checked.issues).map((issue) => [issue.field, issue.message]),
    );
    expect(Object.keys(byField).sort()).toEqual(
      [
        'address',
        'city',
        'contactEmail',
        'email',
        'firstName',
        'lastName',
        'legalName',
        'name',
        'siret',
        'slug',
      ].sort(),
    );
    expect(byField.slug).toMatch(
      /^« Identifiant court » doit faire de 3 à 40 caractères : lettres minuscules/,
    );
    expect(byField.legalName).toBe('« Raison sociale » est obligatoire.');
    expect(byField.name).toBe('« Nom » est obligatoire.');
  });
});

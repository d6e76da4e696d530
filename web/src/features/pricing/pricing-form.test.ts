import { describe, expect, it } from 'vitest';
import { defaultPricing } from '../../../../domain/pricing.ts';
import {
  checkPricingForm,
  emptyTier,
  pricingFormOf,
  tierCode,
  type PricingFormModel,
} from './pricing-form.ts';

const labels = {
  small: 'Petit panier',
  membershipFee: 'Adhésion annuelle',
  installments: 'Nombre d’échéances',
  retryDays: 'Nouvel essai après (jours)',
  paymentTermDays: 'Délai de paiement (jours)',
  legalName: 'Nom de l’association',
  legalAddress: 'Adresse',
  'tier-1-medium': 'Panier moyen',
};

describe('pricing form', () => {
  const { version: _version, ...defaults } = defaultPricing;

  it('shows cents as euros and gives back the same pricing', () => {
    const form = pricingFormOf(defaultPricing);
    expect(form.basketPrices).toEqual({ small: '12,00', medium: '17,00', large: '23,00' });
    expect(form.retryDays).toBe('3, 7, 14');
    expect(checkPricingForm(form, 'fr', labels)).toEqual({ ok: true, input: defaults });
  });

  it('reads prices as typed, a season in installments, and codes a new tier from its name', () => {
    const form: PricingFormModel = {
      ...pricingFormOf(defaultPricing),
      basketPrices: { small: '12,5', medium: '17 €', large: '1 023,40' },
      billing: 'season',
      installments: '10',
      retryDays: '2; 5 10',
      siret: '123 456 789 00012',
      tiers: [
        ...pricingFormOf(defaultPricing).tiers,
        { id: '', label: 'Tarif étudiant', prices: { small: '8', medium: '11,50', large: '15' } },
      ],
    };
    const check = checkPricingForm(form, 'fr', labels);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.input.basketPrices).toEqual({ small: 1250, medium: 1700, large: 102340 });
    expect(check.input).toMatchObject({ billing: 'season', installments: 10, retryDays: [2, 5, 10] });
    expect(check.input.legal.siret).toBe('12345678900012');
    expect(check.input.solidarityTiers[1]).toEqual({
      id: 'tarif-etudiant',
      label: 'Tarif étudiant',
      prices: { small: 800, medium: 1150, large: 1500 },
    });
  });

  it('makes tier codes unique', () => {
    expect(tierCode('Tarif solidaire', new Set(['tarif-solidaire']))).toBe('tarif-solidaire-2');
    expect(tierCode('  !!  ', new Set())).toBe('tarif');
  });

  it('names each wrong field in French', () => {
    const form: PricingFormModel = {
      ...pricingFormOf(defaultPricing),
      basketPrices: { small: 'douze', medium: '17', large: '23' },
      membershipFee: '',
      billing: 'season',
      installments: '13',
      retryDays: '3, sept',
      paymentTermDays: '-1',
      siret: '1234',
      legalName: '  ',
      tiers: [
        ...pricingFormOf(defaultPricing).tiers,
        { ...emptyTier(), prices: { small: '1', medium: 'x', large: '2' } },
      ],
    };
    const check = checkPricingForm(form, 'fr', labels);
    expect(check).toEqual({
      ok: false,
      issues: [
        {
          field: 'small',
          message: "« Petit panier » : « douze » n'est pas un montant (écrivez par exemple 12,50).",
        },
        { field: 'tier-1-label', message: 'Donnez un nom au tarif solidaire n° 2.' },
        {
          field: 'tier-1-medium',
          message: "« Panier moyen » : « x » n'est pas un montant (écrivez par exemple 12,50).",
        },
        { field: 'membershipFee', message: '« Adhésion annuelle » est obligatoire.' },
        { field: 'installments', message: '« Nombre d’échéances » : un nombre entier de 1 à 12.' },
        {
          field: 'retryDays',
          message:
            '« Nouvel essai après (jours) » : de 1 à 6 nombres de jours (1 à 60), séparés par des virgules, par exemple 3, 7, 14.',
        },
        { field: 'paymentTermDays', message: '« Délai de paiement (jours) » : un nombre entier de 0 à 60.' },
        { field: 'siret', message: '« SIRET » : 14 chiffres.' },
        { field: 'legalName', message: '« Nom de l’association » est obligatoire.' },
      ],
    });
  });

  it('refuses two tiers with the same name, as the API does', () => {
    const form = pricingFormOf(defaultPricing);
    const tier = form.tiers[0];
    if (!tier) throw new Error('the defaults have a tier');
    const check = checkPricingForm({ ...form, tiers: [tier, { ...tier, id: '' }] }, 'fr', labels);
    expect(check).toEqual({
      ok: false,
      issues: [
        { field: 'solidarityTiers', message: 'Deux tarifs solidaires s’appellent « Tarif solidaire ».' },
      ],
    });
  });
});

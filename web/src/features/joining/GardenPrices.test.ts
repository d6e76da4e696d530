import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defaultPricing, offerPrices, type OfferPrices } from '../../../../domain/pricing.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import GardenPrices from './GardenPrices.vue';

const monthly = offerPrices(defaultPricing);
const bySeason: OfferPrices = { ...monthly, billing: 'season', installments: 3 };

function noteOf(prices: OfferPrices, locale: 'fr' | 'en' = 'fr'): string {
  setLocale(locale);
  const wrapper = mount(GardenPrices, { props: { prices }, global: { plugins: [i18n] } });
  return wrapper.get('[data-testid="billing-note"]').text().replace(/\s+/g, ' ');
}

describe('the prices of a garden, for people deciding to join', () => {
  it('with monthly billing: only the baskets delivered are billed, the monthly amounts are estimates', () => {
    const note = noteOf(monthly);
    expect(note).toContain('seuls les paniers livrés sont facturés');
    expect(note).toContain('Les montants par mois sont des estimations');
    expect(noteOf(monthly, 'en')).toContain('The monthly amounts are estimates');
  });

  it('with season billing: the season’s baskets in installments, the monthly amounts not what is charged', () => {
    const note = noteOf(bySeason);
    expect(note).toContain('de votre date de début à la fin de la saison sont facturés en 3 versements');
    expect(note).toContain('ne sont pas ce que vous payez');
    expect(note).not.toMatch(/sont des estimations|seuls les paniers livrés/);
    expect(noteOf({ ...bySeason, installments: 1 })).toContain('sont facturés en une fois');

    const english = noteOf(bySeason, 'en');
    expect(english).toContain('from your start date to the end of the season are billed in 3 installments');
    expect(english).not.toMatch(/are estimates|only the baskets delivered/);
  });
});

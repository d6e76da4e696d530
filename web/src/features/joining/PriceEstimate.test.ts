import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defaultPricing, offerPrices, type OfferPrices } from '../../../../domain/pricing.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import PriceEstimate from './PriceEstimate.vue';

const monthly = offerPrices(defaultPricing);
const bySeason: OfferPrices = { ...monthly, billing: 'season', installments: 3 };

function mountEstimate(props: InstanceType<typeof PriceEstimate>['$props']) {
  setLocale('fr');
  return mount(PriceEstimate, { props, global: { plugins: [i18n] } });
}
const text = (wrapper: ReturnType<typeof mountEstimate>) => wrapper.text().replace(/\s+/g, ' ');
/** Formatted amounts hold narrow no-break spaces: plain ones, to compare. */
const plain = (shown: string) => shown.replace(/\s+/g, ' ');

describe('the price estimate of an application', () => {
  it('with monthly billing: about a month of baskets, only those delivered billed', () => {
    const wrapper = mountEstimate({ prices: monthly, basketSize: 'medium', frequency: 'weekly' });
    // 17 € × 52 / 12.
    expect(text(wrapper)).toContain('Environ 73,67 € par mois');
    expect(text(wrapper)).toContain('seuls les paniers livrés sont facturés');
  });

  it('with season billing: the season’s total and its installments, no monthly promise', () => {
    const wrapper = mountEstimate({
      prices: bySeason,
      basketSize: 'medium',
      frequency: 'weekly',
      season: { seasonId: '2027', count: 20 },
    });
    const shown = text(wrapper);
    // 20 × 17 € = 340 €, in three installments of whole cents.
    expect(plain(wrapper.get('[data-testid="season-total"]').text())).toBe('340,00 € pour la saison 2027');
    expect(plain(wrapper.get('[data-testid="season-installments"]').text())).toBe(
      'Réglé en 3 versements de 113,34 € ou 113,33 € (au centime près).',
    );
    expect(shown).toContain('20 paniers de la date de début à la fin de la saison');
    // The solidarity tier: 20 × 8,50 €.
    expect(shown).toContain('Tarif solidaire : 170,00 € pour la saison');
    expect(shown).not.toMatch(/par mois|seuls les paniers livrés/);

    const even = mountEstimate({
      prices: { ...bySeason, installments: 4 },
      basketSize: 'medium',
      frequency: 'weekly',
      season: { seasonId: '2027', count: 20 },
    });
    expect(plain(even.get('[data-testid="season-installments"]').text())).toBe(
      'Réglé en 4 versements de 85,00 €.',
    );
    const once = mountEstimate({
      prices: { ...bySeason, installments: 1 },
      basketSize: 'small',
      frequency: 'fortnightly',
      season: { seasonId: '2027', count: 10 },
    });
    expect(plain(once.get('[data-testid="season-total"]').text())).toBe('120,00 € pour la saison 2027');
    expect(plain(once.get('[data-testid="season-installments"]').text())).toBe('Réglé en une fois.');
  });

  it('with season billing and no start date yet: asks for one, promises no monthly amount', () => {
    const wrapper = mountEstimate({ prices: bySeason, basketSize: 'large', frequency: 'weekly' });
    expect(plain(wrapper.get('[data-testid="season-choose-start"]').text())).toMatch(
      /facturés en 3 versements\.$/,
    );
    expect(text(wrapper)).not.toMatch(/par mois|seuls les paniers livrés/);
  });

  it('in English too', () => {
    const wrapper = mountEstimate({
      prices: bySeason,
      basketSize: 'medium',
      frequency: 'weekly',
      season: { seasonId: '2027', count: 20 },
    });
    setLocale('en');
    return wrapper.vm.$nextTick().then(() => {
      expect(plain(wrapper.get('[data-testid="season-total"]').text())).toBe('€340.00 for the 2027 season');
      setLocale('fr');
    });
  });
});

import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { BasketSize } from '../../../../domain/subscription.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import BasketPriceFields from './BasketPriceFields.vue';

describe('the prices of one price list, by basket size', () => {
  it('names each field as the form check does, says its error beside it and writes what is typed', async () => {
    setLocale('fr');
    const prices: Record<BasketSize, string> = { small: '6,00', medium: '8,50', large: '11,50' };
    const wrapper = mount(BasketPriceFields, {
      global: { plugins: [i18n] },
      props: {
        modelValue: prices,
        idPrefix: 'p',
        fieldPrefix: 'tier-0-',
        errors: { 'tier-0-medium': 'Montant invalide', medium: 'pas celui-ci' },
        testIdPrefix: 'tier-price',
        describedBy: 'euros-hint',
      },
    });
    const inputs = wrapper.findAll<HTMLInputElement>('input');
    expect(inputs.map((input) => input.attributes('data-testid'))).toEqual([
      'tier-price-small',
      'tier-price-medium',
      'tier-price-large',
    ]);
    expect(inputs.map((input) => input.element.value)).toEqual(['6,00', '8,50', '11,50']);
    const medium = wrapper.get('[data-testid="tier-price-medium"]');
    expect(medium.attributes('id')).toBe('p-tier-0-medium');
    expect(medium.attributes('inputmode')).toBe('decimal');
    expect(medium.classes()).toContain('input-short');
    expect(medium.attributes('aria-invalid')).toBe('true');
    expect(medium.attributes('aria-describedby')).toBe('euros-hint p-tier-0-medium-error');
    expect(wrapper.get('#p-tier-0-medium-error').text()).toBe('Montant invalide');
    expect(wrapper.get('label[for="p-tier-0-medium"]').text()).toBe('Panier moyen (€)');
    expect(wrapper.get('[data-testid="tier-price-small"]').attributes('aria-invalid')).toBeUndefined();

    await wrapper.get('[data-testid="tier-price-large"]').setValue('12');
    expect(prices.large).toBe('12');
  });
});

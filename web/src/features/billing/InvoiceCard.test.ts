import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { i18n } from '../../i18n/index.ts';
import InvoiceCard from './InvoiceCard.vue';

describe('an invoice in a household list', () => {
  it('heads with its number and status, then what the screen says of it and its buttons', () => {
    const wrapper = mount(InvoiceCard, {
      global: { plugins: [i18n] },
      props: { invoice: { number: 42, label: 'F-000042', status: 'paid' } },
      attrs: { 'data-testid': 'my-invoice' },
      slots: { default: '<p class="invoice-line">Avril</p>', actions: '<button>PDF</button>' },
    });
    const row = wrapper.get('li[data-testid="my-invoice"]');
    expect(row.attributes('data-number')).toBe('42');
    expect(row.attributes('data-status')).toBe('paid');
    expect(row.get('.invoice-head strong').text()).toBe('F-000042');
    const badge = row.get('[data-testid="invoice-status"]');
    expect(badge.classes()).toContain('badge-invoice-paid');
    expect(badge.text()).toBe('Payée');
    expect(row.get('.invoice-line').text()).toBe('Avril');
    expect(row.get('.invoice-actions button').text()).toBe('PDF');
  });
});

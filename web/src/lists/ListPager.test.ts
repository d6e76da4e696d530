import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.ts';
import ListPager from './ListPager.vue';

const mountPager = (props: InstanceType<typeof ListPager>['$props']) =>
  mount(ListPager, { global: { plugins: [i18n] }, props });

describe('the pager under a list', () => {
  it('counts the pages when they are known, and says the page asked for', async () => {
    const wrapper = mountPager({ page: 1, pages: 4, label: 'Pages des factures', testid: 'invoice-pager' });
    const nav = wrapper.get('[data-testid="invoice-pager"]');
    expect(nav.attributes('aria-label')).toBe('Pages des factures');
    expect(wrapper.get('[data-testid="page-number"]').text()).toBe('Page 1 sur 4');
    expect(wrapper.get('[data-testid="previous-page"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="next-page"]').trigger('click');
    expect(wrapper.emitted('go')).toEqual([[2]]);

    await wrapper.setProps({ page: 4 });
    expect(wrapper.get('[data-testid="next-page"]').attributes('disabled')).toBeDefined();
    await wrapper.setProps({ page: 1, pages: 1 });
    expect(wrapper.find('nav').exists()).toBe(false);
  });

  it('pages by cursors without a count: « Page 2 », next while there is more, held while reading', async () => {
    const wrapper = mountPager({ page: 2, hasNext: true, label: 'Pages des adhérents' });
    expect(wrapper.find('[data-testid="pager"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="page-number"]').text()).toBe('Page 2');
    await wrapper.get('[data-testid="previous-page"]').trigger('click');
    expect(wrapper.emitted('go')).toEqual([[1]]);

    await wrapper.setProps({ busy: true });
    expect(wrapper.get('[data-testid="previous-page"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="next-page"]').attributes('disabled')).toBeDefined();
    await wrapper.setProps({ busy: false, hasNext: false });
    expect(wrapper.get('[data-testid="next-page"]').attributes('disabled')).toBeDefined();
    await wrapper.setProps({ page: 1 });
    expect(wrapper.find('nav').exists()).toBe(false);
  });
});

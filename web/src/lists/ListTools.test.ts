import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ListTools from './ListTools.vue';

describe("a list's tools", () => {
  it('holds the filters given, in one row', () => {
    const wrapper = mount(ListTools, { slots: { default: '<select data-testid="filter"></select>' } });
    expect(wrapper.classes()).toContain('list-tools');
    expect(wrapper.find('[data-testid="filter"]').exists()).toBe(true);
  });
});

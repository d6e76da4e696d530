import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ListChoice from './ListChoice.vue';

describe('a filter or sort of a list', () => {
  it('is a labelled select showing the current choice, and says the option chosen', async () => {
    const wrapper = mount(ListChoice, {
      props: {
        label: 'Trier par',
        value: 'name',
        testid: 'unpaid-sort',
        options: [
          { value: 'due', label: 'Échéance' },
          { value: 'name', label: '<b>Nom</b>' },
        ],
      },
    });
    const select = wrapper.get<HTMLSelectElement>('[data-testid="unpaid-sort"]');
    const label = wrapper.get('label');
    expect(label.text()).toBe('Trier par');
    expect(label.attributes('for')).toBe(select.attributes('id'));
    expect(select.element.value).toBe('name');
    // Names stay text: HTML in a depot's name is shown, never run.
    expect(wrapper.findAll('option').map((option) => option.text())).toEqual(['Échéance', '<b>Nom</b>']);

    await select.setValue('due');
    expect(wrapper.emitted('choose')).toEqual([['due']]);
  });
});

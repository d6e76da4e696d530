import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ListTable from './ListTable.vue';

describe("a list's table", () => {
  it('heads each column, hides a label for screen readers only, and holds the rows given', () => {
    const wrapper = mount(ListTable, {
      props: {
        columns: ['<b>Nom</b>', { label: 'Reste dû', numeric: true }, { label: 'Actions', hidden: true }],
        busy: true,
      },
      slots: { default: '<tr data-testid="row"><td>Carotte</td></tr>' },
    });
    const heads = wrapper.findAll('th');
    expect(heads.map((head) => head.text())).toEqual(['<b>Nom</b>', 'Reste dû', 'Actions']);
    expect(heads.every((head) => head.attributes('scope') === 'col')).toBe(true);
    expect(heads[1]?.classes()).toContain('cell-number');
    expect(heads[2]?.get('span').classes()).toContain('visually-hidden');
    expect(wrapper.get('table').attributes('aria-busy')).toBe('true');
    expect(wrapper.get('tbody [data-testid="row"]').text()).toBe('Carotte');
  });

  it('says nothing of being busy when the list is never read again in place', () => {
    const wrapper = mount(ListTable, { props: { columns: ['Date'] } });
    expect(wrapper.get('table').attributes('aria-busy')).toBeUndefined();
  });
});

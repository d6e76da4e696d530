import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import BasketCountCells from './BasketCountCells.vue';

const i18n = createI18n({
  legacy: false,
  locale: 'fr',
  messages: {
    fr: { weeks: { sizes: { small: 'Petit', medium: 'Moyen', large: 'Grand' }, total: 'Total' } },
  },
});

function row(strong?: 'total' | 'all') {
  return mount(
    {
      components: { BasketCountCells },
      data: () => ({ strong }),
      template: `<table><tbody><tr><BasketCountCells :counts="{ small: 2, medium: 5, large: 1 }" :strong="strong" /></tr></tbody></table>`,
    },
    { global: { plugins: [i18n] } },
  );
}

describe("a row's basket counts", () => {
  it('gives a cell a size, then the total, each naming its column', () => {
    const cells = row().findAll('td');
    expect(cells.map((cell) => cell.text())).toEqual(['2', '5', '1', '8']);
    expect(cells.map((cell) => cell.attributes('data-label'))).toEqual(['Petit', 'Moyen', 'Grand', 'Total']);
    expect(cells.every((cell) => cell.classes('cell-number'))).toBe(true);
    expect(row().find('strong').exists()).toBe(false);
  });

  it('sets the total, or every figure, in bold', () => {
    expect(
      row('total')
        .findAll('strong')
        .map((cell) => cell.text()),
    ).toEqual(['8']);
    expect(
      row('all')
        .findAll('strong')
        .map((cell) => cell.text()),
    ).toEqual(['2', '5', '1', '8']);
  });
});

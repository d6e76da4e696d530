import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import SeasonsForm from './SeasonsForm.vue';

const calendar = {
  gardenId: 'g-test',
  updatedAt: '2026-11-20T09:00:00.000Z',
  version: 3,
  cutoffHours: 48,
  closedWeeks: [] as string[],
  seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
};

describe("the garden's seasons", () => {
  beforeEach(() => setLocale('fr'));
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('shows each season in a row of labelled inputs, and checks what staff typed before sending anything', async () => {
    const api = stubApi(() => ({ body: {} }));
    const wrapper = mount(SeasonsForm, {
      props: { calendar },
      global: { plugins: [signedIn(staffIdentity), i18n] },
    });
    expect(wrapper.findAll('th').map((cell) => cell.text())).toEqual(['Nom', 'Début', 'Fin', 'Actions']);
    const id = wrapper.get<HTMLInputElement>('[data-testid="season-id"]');
    const start = wrapper.get<HTMLInputElement>('[data-testid="season-start"]');
    const end = wrapper.get<HTMLInputElement>('[data-testid="season-end"]');
    expect([id.element.value, start.element.value, end.element.value]).toEqual([
      '2026-2027',
      '2026-03-01',
      '2027-02-28',
    ]);
    expect([id.attributes('type'), start.attributes('type'), end.attributes('type')]).toEqual([
      'text',
      'date',
      'date',
    ]);
    expect(id.attributes('maxlength')).toBe('40');
    expect(start.attributes('maxlength')).toBeUndefined();
    expect(end.attributes('aria-label')).toBe('Fin de la saison 1');
    expect(wrapper.get('td').attributes('data-label')).toBe('Nom');

    // Typed into the row's inputs, it reaches the check: a season ending before it starts.
    await id.setValue('Saison <b>courte</b>');
    await end.setValue('2026-02-01');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'La saison « Saison <b>courte</b> » finit avant de commencer.',
    );
    expect(api.calls).toEqual([]);
  });
});

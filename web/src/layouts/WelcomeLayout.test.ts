import { createPinia } from 'pinia';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../i18n/index.ts';
import { stubApi } from '../testing/api-stub.ts';
import WelcomeLayout from './WelcomeLayout.vue';

describe('the welcome layout', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('puts the page in the focusable main card, with the language switch beside it and the footer under it', async () => {
    setLocale('fr');
    const api = stubApi(() => ({ body: { pages: [] } }));
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:rest(.*)*', component: {} }],
    });
    await router.push('/connexion');
    const wrapper = mount(WelcomeLayout, {
      global: { plugins: [createPinia(), i18n, router] },
      slots: { default: '<h1>Bienvenue</h1>' },
    });
    await flushPromises();
    const main = wrapper.get('main#main');
    expect(main.classes()).toContain('welcome-card');
    expect(main.attributes('tabindex')).toBe('-1');
    expect(main.get('h1').text()).toBe('Bienvenue');
    expect(wrapper.get('.welcome-tools [data-testid="language-fr"]').attributes('aria-pressed')).toBe('true');
    // Nobody signed in, no garden chosen: the network's legal pages.
    await vi.waitFor(
      () =>
        expect(wrapper.get('[data-testid="footer-mentions-legales"]').attributes('href')).toBe(
          '/reseau/pages/mentions-legales',
        ),
      // The footer is its own chunk, transformed on demand here: slow on a busy machine.
      { timeout: 5000 },
    );
    expect(wrapper.get('footer').classes()).toContain('welcome-footer');
    expect(api.calls.map((call) => call.path)).toEqual(['/api/network/pages']);
  });
});

import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { i18n, setLocale } from '../i18n/index.ts';
import WelcomeLayout from './WelcomeLayout.vue';

describe('the welcome layout', () => {
  it('puts the page in the focusable main card, with the language switch beside it', () => {
    setLocale('fr');
    const wrapper = mount(WelcomeLayout, {
      global: { plugins: [i18n] },
      slots: { default: '<h1>Bienvenue</h1>' },
    });
    const main = wrapper.get('main#main');
    expect(main.classes()).toContain('welcome-card');
    expect(main.attributes('tabindex')).toBe('-1');
    expect(main.get('h1').text()).toBe('Bienvenue');
    expect(wrapper.get('.welcome-tools [data-testid="language-fr"]').attributes('aria-pressed')).toBe('true');
  });
});

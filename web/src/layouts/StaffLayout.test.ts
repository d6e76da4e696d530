import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../testing/api-stub.ts';
import StaffLayout from './StaffLayout.vue';

const Page = defineComponent({ template: '<p>page</p>' });

/** The staff layout alone, on a given path; its pages are empty. */
async function mountAt(path: string) {
  setLocale('fr');
  const pinia = signedIn(staffIdentity);
  stubApi(() => ({ body: { items: [], awaiting: 0 } }));
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:rest(.*)*', component: Page }],
  });
  await router.push(path);
  const wrapper = mount(StaffLayout, { global: { plugins: [pinia, i18n, router] } });
  await flushPromises();
  return wrapper;
}

describe('the staff layout on a phone', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each(['/equipe/jardin', '/equipe/facturation/tarifs', '/equipe/carte'])(
    'marks « Plus » active on %s, a section it holds',
    async (path) => {
      const wrapper = await mountAt(path);
      expect(wrapper.get('[data-testid="nav-more"]').classes()).toContain('router-link-active');
    },
  );

  it('leaves « Plus » alone on a section of the bottom bar', async () => {
    const wrapper = await mountAt('/equipe/adherents');
    expect(wrapper.get('[data-testid="nav-more"]').classes()).not.toContain('router-link-active');
  });
});

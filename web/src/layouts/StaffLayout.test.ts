import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../testing/api-stub.ts';
import StaffLayout from './StaffLayout.vue';

const Page = defineComponent({ template: '<p>page</p>' });

/** The staff layout alone, on a given path; its pages are empty. */
async function mountAt(path: string, identity = staffIdentity) {
  setLocale('fr');
  const pinia = signedIn(identity);
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

  it.each(['/equipe/jardin', '/equipe/facturation/tarifs', '/equipe/carte', '/equipe/tournees/vehicules'])(
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

  it('shows the rounds’ vehicles and drivers to garden administrators, not to other staff', async () => {
    const admin = await mountAt('/equipe', { ...staffIdentity, roles: ['garden-admin', 'staff'] });
    const link = admin.get('[data-testid="nav-fleet"]');
    expect(link.text()).toContain('Véhicules');
    expect(link.attributes('href')).toBe('/equipe/tournees/vehicules');
    const staff = await mountAt('/equipe');
    expect(staff.find('[data-testid="nav-fleet"]').exists()).toBe(false);
  });

  it('gives garden administrators « Pages du jardin » under « Plus », not other staff', async () => {
    const admin = await mountAt('/equipe/pages/cgv', { ...staffIdentity, roles: ['garden-admin', 'staff'] });
    expect(admin.get('[data-testid="nav-garden-pages"]').attributes('href')).toBe('/equipe/pages');
    expect(admin.get('[data-testid="nav-more"]').classes()).toContain('router-link-active');
    const staff = await mountAt('/equipe');
    expect(staff.find('[data-testid="nav-garden-pages"]').exists()).toBe(false);
  });
});

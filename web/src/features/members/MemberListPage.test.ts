import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import { aMember } from '../../testing/fixtures.ts';
import { useMemberStore } from './members-store.ts';
import MemberListPage from './MemberListPage.vue';

/** The member list on an address, with an API that pages by cursors ('' the first page). */
async function mountAt(path: string) {
  setLocale('fr');
  const pinia = signedIn(staffIdentity);
  const api = stubApi((call: ApiCall) => {
    if (!call.path.endsWith('/members')) return { body: [] };
    const cursor = call.query.get('cursor') ?? '';
    const page = cursor === '' ? 1 : Number(cursor.slice(2));
    return {
      body: {
        members: [aMember({ id: `m-${page}`, lastName: `Nom${page}` })],
        total: 3,
        ...(page < 3 ? { nextCursor: `c-${page + 1}` } : {}),
      },
    };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path);
  const wrapper = mount(MemberListPage, { global: { plugins: [pinia, i18n, router] } });
  await flushPromises();
  const listCalls = () => api.calls.filter((call) => call.path.endsWith('/members'));
  return { wrapper, router, listCalls, members: useMemberStore() };
}

describe('the member list', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('leaving it for a member opens no unfiltered list and keeps its state', async () => {
    const { router, listCalls, members } = await mountAt('/equipe/adherents?statut=active');
    expect(listCalls()).toHaveLength(1);
    expect(listCalls()[0]?.query.get('status')).toBe('active');

    await router.push('/equipe/adherents/m-1');
    await flushPromises();

    expect(listCalls()).toHaveLength(1);
    expect(members.list.status).toBe('active');
    expect(members.page.map((member) => member.id)).toEqual(['m-1']);
  });

  it('puts only a page number in the address, the cursors (they hold names) stay in memory', async () => {
    const { wrapper, router, listCalls } = await mountAt('/equipe/adherents?statut=active');
    await wrapper.get('[data-testid="next-page"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="next-page"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/equipe/adherents?statut=active&page=3');
    expect(wrapper.get('[data-testid="member-row"]').text()).toContain('Nom3');
    expect(listCalls().map((call) => call.query.get('cursor'))).toEqual([null, 'c-2', 'c-3']);

    // Back, then forward again (the browser's buttons): the cursors kept serve again.
    await router.replace('/equipe/adherents?statut=active');
    await flushPromises();
    await router.replace('/equipe/adherents?statut=active&page=3');
    await flushPromises();
    expect(wrapper.get('[data-testid="member-row"]').text()).toContain('Nom3');
    expect(listCalls().map((call) => call.query.get('cursor'))).toEqual([null, 'c-2', 'c-3', null, 'c-3']);
    expect(listCalls().every((call) => call.query.get('status') === 'active')).toBe(true);

    await wrapper.get('[data-testid="previous-page"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/equipe/adherents?statut=active&page=2');
    expect(wrapper.get('[data-testid="page-number"]').text()).toContain('2');
  });

  it('a page not walked in this tab (a reload, a shared link) shows the first, filters kept', async () => {
    const { wrapper, router, listCalls } = await mountAt('/equipe/adherents?statut=active&page=3');
    expect(listCalls()).toHaveLength(1);
    expect(listCalls()[0]?.query.get('cursor')).toBeNull();
    expect(listCalls()[0]?.query.get('status')).toBe('active');
    expect(router.currentRoute.value.fullPath).toBe('/equipe/adherents?statut=active');
    expect(wrapper.get('[data-testid="member-row"]').text()).toContain('Nom1');
  });
});

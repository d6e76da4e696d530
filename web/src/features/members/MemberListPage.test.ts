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
});

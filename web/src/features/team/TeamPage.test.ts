import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Teammate } from '../../../../domain/garden-team.ts';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { useToastStore } from '../../stores/toasts.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import TeamPage from './TeamPage.vue';

/** Garden administrators manage the team's accounts: list, invite, change a role, disable, enable. */
const gardenAdmin: Identity = { ...staffIdentity, userId: 'u-claire', roles: ['garden-admin', 'staff'] };

const claire: Teammate = {
  id: 'u-claire',
  firstName: 'Claire',
  lastName: 'Vuillemin',
  email: 'claire@example.org',
  role: 'garden-admin',
  enabled: true,
  invited: false,
};
const hostile: Teammate = {
  id: 'u-hostile',
  firstName: '<b>x</b>',
  lastName: '__proto__',
  email: 'x@example.org',
  role: 'staff',
  enabled: true,
  invited: true,
};
const karim: Teammate = {
  id: 'u-karim',
  firstName: 'Karim',
  lastName: 'Haddad',
  email: 'karim@example.org',
  role: 'driver',
  enabled: false,
  invited: false,
};

async function mountPage(
  identity: Identity = gardenAdmin,
  answer?: (call: ApiCall) => { status?: number; body?: unknown } | undefined,
) {
  setLocale('fr');
  const pinia = signedIn(identity);
  let team = [claire, hostile, karim].map((one) => ({ ...one }));
  const api = stubApi((call) => {
    const answered = answer?.(call);
    if (answered) return answered;
    if (call.method === 'GET') return { body: team };
    if (call.path.endsWith('/invitations')) {
      const invited = { ...(call.body as Teammate), id: 'u-new', enabled: true, invited: true };
      team = [...team, invited];
      return { status: 201, body: invited };
    }
    const [, userId, action] = /\/team\/([^/]+)\/([a-z]+)$/.exec(call.path) ?? [];
    const index = team.findIndex((one) => one.id === userId);
    const changed =
      action === 'role'
        ? { ...team[index]!, role: (call.body as { role: Teammate['role'] }).role }
        : { ...team[index]!, enabled: action === 'enable' };
    team.splice(index, 1, changed);
    return { body: changed };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/equipe-du-jardin');
  const wrapper = mount(TeamPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, api };
}

const row = (wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], userId: string) =>
  wrapper.get(`[data-testid="teammate"][data-user-id="${userId}"]`);
const writes = (calls: ApiCall[]) => calls.filter((call) => call.method !== 'GET');

describe('the garden team page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('lists the team with roles and states, names with markup as text, and no « Désactiver » on one’s own row', async () => {
    const { wrapper } = await mountPage();
    expect(wrapper.get('h1').text()).toBe('Équipe du jardin');
    const names = wrapper.findAll('[data-testid="teammate-name"]').map((name) => name.text());
    expect(names).toEqual(['<b>x</b> __proto__', 'Karim Haddad', 'Claire Vuillemin']);
    expect(wrapper.find('.team-list b').exists()).toBe(false);
    expect(row(wrapper, 'u-hostile').text()).toContain('Équipe · invitation envoyée');
    expect(row(wrapper, 'u-karim').text()).toContain('Chauffeur · compte désactivé');
    expect(row(wrapper, 'u-claire').text()).toContain('Administration du jardin · actif');
    expect(row(wrapper, 'u-claire').find('[data-testid="disable"]').exists()).toBe(false);
    expect(row(wrapper, 'u-karim').find('[data-testid="enable"]').exists()).toBe(true);
  });

  it('invites a driver: the row appears, the form empties, a toast says to whom it went', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="invite-first-name"]').setValue('Léa');
    await wrapper.get('[data-testid="invite-last-name"]').setValue('Roussel');
    await wrapper.get('[data-testid="invite-email"]').setValue(' lea@example.org ');
    await wrapper.get('[data-testid="invite-role"]').setValue('driver');
    await wrapper.get('[data-testid="invite-form"]').trigger('submit');
    await flushPromises();
    expect(writes(api.calls)).toMatchObject([
      {
        method: 'POST',
        path: '/api/gardens/val-du-doubs/team/invitations',
        body: { firstName: 'Léa', lastName: 'Roussel', email: 'lea@example.org', role: 'driver' },
      },
    ]);
    expect(row(wrapper, 'u-new').text()).toContain('Chauffeur · invitation envoyée');
    expect(wrapper.get<HTMLInputElement>('[data-testid="invite-email"]').element.value).toBe('');
    expect(useToastStore().toasts.map((toast) => toast.text)).toContain(
      'Invitation envoyée à Léa Roussel (lea@example.org).',
    );
  });

  it('checks the form before sending, and shows a taken address beside the email field', async () => {
    const taken = 'Un compte existe déjà avec cette adresse email : elle ne peut pas servir deux fois.';
    const { wrapper, api } = await mountPage(gardenAdmin, (call) =>
      call.path.endsWith('/invitations')
        ? {
            status: 409,
            body: { error: 'duplicate', message: taken, issues: [{ field: 'email', message: taken }] },
          }
        : undefined,
    );
    await wrapper.get('[data-testid="invite-email"]').setValue('pas-une-adresse');
    await wrapper.get('[data-testid="invite-form"]').trigger('submit');
    await flushPromises();
    expect(writes(api.calls)).toEqual([]);
    expect(wrapper.get('[data-testid="invite-form"]').text()).toContain(
      'Indiquez une adresse email complète',
    );

    await wrapper.get('[data-testid="invite-first-name"]').setValue('Léa');
    await wrapper.get('[data-testid="invite-last-name"]').setValue('Roussel');
    await wrapper.get('[data-testid="invite-email"]').setValue('claire@example.org');
    await wrapper.get('[data-testid="invite-form"]').trigger('submit');
    await flushPromises();
    expect(writes(api.calls)).toHaveLength(1);
    const email = wrapper.get('[data-testid="invite-email"]');
    expect(email.attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('.field-error').text()).toBe(taken);
  });

  it('changes a role only once confirmed; « Annuler » changes nothing', async () => {
    const { wrapper, api } = await mountPage();
    const hostileRow = row(wrapper, 'u-hostile');
    expect(hostileRow.get('[data-testid="change-role"]').attributes('disabled')).toBeDefined();
    await hostileRow.get('[data-testid="teammate-role"]').setValue('garden-admin');
    await hostileRow.get('[data-testid="change-role"]').trigger('click');
    const dialog = wrapper.get('[data-testid="team-confirm"]');
    expect(dialog.text()).toContain('Donner à <b>x</b> __proto__ le rôle « Administration du jardin » ?');
    await dialog.get('button.btn-secondary').trigger('click');
    expect(wrapper.find('[data-testid="team-confirm"]').exists()).toBe(false);
    expect(writes(api.calls)).toEqual([]);

    await hostileRow.get('[data-testid="change-role"]').trigger('click');
    await wrapper.get('[data-testid="team-confirm"] form').trigger('submit');
    await flushPromises();
    expect(writes(api.calls)).toMatchObject([
      {
        method: 'PUT',
        path: '/api/gardens/val-du-doubs/team/u-hostile/role',
        body: { role: 'garden-admin' },
      },
    ]);
    expect(row(wrapper, 'u-hostile').text()).toContain('Administration du jardin');
  });

  it('disables and enables after confirmation, and shows the refusal in the dialog', async () => {
    const last = "C'est le dernier administrateur actif du jardin : nommez-en un autre avant.";
    const { wrapper, api } = await mountPage(gardenAdmin, (call) =>
      call.path.endsWith('/u-hostile/disable')
        ? { status: 422, body: { error: 'refused', message: last } }
        : undefined,
    );
    await row(wrapper, 'u-karim').get('[data-testid="enable"]').trigger('click');
    expect(wrapper.get('[data-testid="team-confirm"]').text()).toContain(
      'Réactiver le compte de Karim Haddad ?',
    );
    await wrapper.get('[data-testid="team-confirm"] form').trigger('submit');
    await flushPromises();
    expect(row(wrapper, 'u-karim').attributes('data-state')).toBe('active');

    await row(wrapper, 'u-hostile').get('[data-testid="disable"]').trigger('click');
    await wrapper.get('[data-testid="team-confirm"] form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="team-confirm-error"]').text()).toBe(last);
    expect(row(wrapper, 'u-hostile').attributes('data-state')).toBe('invited');
    expect(writes(api.calls).map((call) => call.path)).toEqual([
      '/api/gardens/val-du-doubs/team/u-karim/enable',
      '/api/gardens/val-du-doubs/team/u-hostile/disable',
    ]);
  });

  it('tells other staff that only administrators manage the team, and asks nothing of the API', async () => {
    const { wrapper, api } = await mountPage(staffIdentity);
    expect(wrapper.get('[data-testid="team-admins-only"]').text()).toBe(
      'Seule l’administration du jardin gère l’équipe.',
    );
    expect(api.calls.filter((call) => call.path.includes('/team'))).toEqual([]);
  });
});

import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import type { StaffActionEntry } from './journal-api.ts';
import { depotUpdated } from './journal-fixtures.ts';
import StaffActionsPage from './StaffActionsPage.vue';

const gardenAdmin: Identity = {
  ...staffIdentity,
  userId: 'u-anne',
  name: 'Anne Admin',
  roles: ['garden-admin'],
};

const older: StaffActionEntry = {
  id: 'action:6',
  at: '2026-12-02T10:00:00.000Z',
  kind: 'price.updated',
  category: 'change',
  text: { fr: 'Tarifs modifiés', en: 'Prices changed' },
  actor: { id: 'u-bob', name: 'Bob B.', role: 'garden-admin' },
  reason: 'nouvelle saison',
  source: { type: 'action', seq: 6 },
};

const pages = (call: ApiCall): StubAnswer => {
  if (call.query.get('format') === 'csv')
    return {
      text: '\uFEFFdate;action\n',
      headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="actions.csv"' },
    };
  if (call.query.get('cursor') === 'c-2') return { body: { entries: [older] } };
  return { body: { entries: [depotUpdated], nextCursor: 'c-2' } };
};

const networkAdmin: Identity = {
  ...staffIdentity,
  userId: 'u-nadia',
  name: 'Nadia Réseau',
  roles: ['network-admin'],
  gardenId: undefined,
};

/** The network's page stands in the plain layout: its header and footer (their own tests) left out. */
const PlainLayout = { name: 'PlainLayout', template: '<div data-testid="plain-layout"><slot /></div>' };

function mountPage(identity: Identity = gardenAdmin, props: { scope?: 'network' } = {}) {
  return mount(StaffActionsPage, {
    props,
    global: { plugins: [signedIn(identity), i18n], stubs: { PlainLayout } },
    attachTo: document.body,
  });
}

describe('« Journal des actions »', () => {
  let saved: string[];

  beforeEach(() => {
    setLocale('fr');
    saved = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:actions');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    document.body.innerHTML = '';
  });

  it('shows who changed what, from where, and reads older actions with « Voir plus »', async () => {
    const api = stubApi(pages);
    const wrapper = mountPage();
    await flushPromises();
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/staff-actions');

    const [entry] = wrapper.findAll('[data-testid="journal-entry"]');
    expect(entry!.get('[data-testid="journal-text"]').text()).toBe('Dépôt « Biocoop » modifié');
    expect(entry!.get('[data-testid="journal-actor"]').text()).toBe('par Anne A.');
    expect(entry!.get('[data-testid="journal-origin"]').text()).toBe(
      'Adresse IP : 203.0.113.9 · Navigateur : Firefox 133',
    );
    expect(entry!.get('[data-testid="journal-changes"] tbody').text()).toBe('Horaires17 h – 19 h16 h – 19 h');
    expect(entry!.get('[data-testid="journal-source"]').text()).toContain('7');

    await wrapper.get('[data-testid="staff-actions-more"]').trigger('click');
    await flushPromises();
    expect(api.calls.at(-1)?.query.get('cursor')).toBe('c-2');
    expect(wrapper.findAll('[data-testid="journal-text"]').map((text) => text.text())).toEqual([
      'Dépôt « Biocoop » modifié',
      'Tarifs modifiés',
    ]);
    // No cursor in the last page: nothing more to read.
    expect(wrapper.find('[data-testid="staff-actions-more"]').exists()).toBe(false);
  });

  it('searches and filters from the start again, and exports what is shown as CSV', async () => {
    const api = stubApi(pages);
    const wrapper = mountPage();
    await flushPromises();

    await wrapper.get('[data-testid="staff-actions-search"]').setValue('  Biocoop ');
    await wrapper.get('form[role="search"]').trigger('submit');
    await flushPromises();
    await wrapper.get('[data-testid="staff-actions-subject"]').setValue('depot');
    await flushPromises();
    expect(api.calls.at(-1)?.query.toString()).toBe('q=Biocoop&subjectKind=depot&lang=fr');
    expect(api.calls.at(-1)?.query.has('cursor')).toBe(false);

    await wrapper.get('[data-testid="journal-export-csv"]').trigger('click');
    await flushPromises();
    expect(api.calls.at(-1)?.query.toString()).toBe('q=Biocoop&subjectKind=depot&lang=fr&format=csv');
    expect(saved).toEqual(['actions.csv']);
    // The log has no categories: no such filter here.
    expect(wrapper.find('[data-testid="journal-category-filter"]').exists()).toBe(false);
  });

  it('reads the network’s own log for a network administrator, who belongs to no garden', async () => {
    const api = stubApi(pages);
    const wrapper = mountPage(networkAdmin, { scope: 'network' });
    await flushPromises();
    expect(api.calls.map((call) => call.path)).toEqual(['/api/network/staff-actions']);
    expect(wrapper.find('[data-testid="plain-layout"]').exists()).toBe(true);
    expect(wrapper.get('h1').text()).toBe('Journal des actions du réseau');
    expect(wrapper.findAll('[data-testid="journal-entry"]')).toHaveLength(1);
    // Every entry of the network is about its settings: no subject to choose.
    expect(wrapper.find('[data-testid="staff-actions-subject"]').exists()).toBe(false);
    await wrapper.get('[data-testid="journal-export-csv"]').trigger('click');
    await flushPromises();
    expect(api.calls.at(-1)?.path).toBe('/api/network/staff-actions');
    expect(api.calls.at(-1)?.query.get('format')).toBe('csv');
  });

  it('tells staff who are not administrators, in words, that the log is not theirs', async () => {
    stubApi(() => ({ status: 403, body: { error: 'forbidden', message: 'Refusé.' } }));
    const wrapper = mountPage(staffIdentity);
    await flushPromises();
    expect(wrapper.get('[data-testid="staff-actions-forbidden"]').text()).toContain(
      'Vous n’êtes pas autorisé',
    );
  });

  it('follows the cursor of pages that came back empty (a bounded read) before saying nothing matches', async () => {
    const api = stubApi((call) => {
      const cursor = call.query.get('cursor');
      if (!cursor) return { body: { entries: [], nextCursor: 'c-1' } };
      if (cursor === 'c-1') return { body: { entries: [], nextCursor: 'c-2' } };
      return { body: { entries: [older] } };
    });
    const wrapper = mountPage();
    await flushPromises();
    expect(api.calls.map((call) => call.query.get('cursor'))).toEqual([null, 'c-1', 'c-2']);
    expect(wrapper.findAll('[data-testid="journal-text"]').map((text) => text.text())).toEqual([
      'Tarifs modifiés',
    ]);
    expect(wrapper.find('[data-testid="staff-actions-more"]').exists()).toBe(false);
  });

  it('says when nothing matches the filters', async () => {
    stubApi(() => ({ body: { entries: [] } }));
    const wrapper = mountPage();
    await flushPromises();
    expect(wrapper.get('[data-testid="empty-state"]').text()).toBe(
      'Aucune action n’a encore été enregistrée.',
    );
    await wrapper.get('[data-testid="staff-actions-subject"]').setValue('price');
    await flushPromises();
    expect(wrapper.get('[data-testid="empty-state"]').text()).toBe(
      'Aucune action ne correspond à ces filtres.',
    );
  });
});

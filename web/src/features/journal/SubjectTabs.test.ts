import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import { subscriptionJournal } from './journal-fixtures.ts';
import SubjectTabs from './SubjectTabs.vue';

const gardenAdmin: Identity = {
  ...staffIdentity,
  userId: 'u-anne',
  name: 'Anne Admin',
  roles: ['garden-admin'],
};

const journalAnswer = (call: ApiCall): StubAnswer => {
  if (call.query.get('format') === 'csv')
    return {
      text: '\uFEFFdate;texte\n',
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="journal-abonnement-s-1.csv"',
      },
    };
  return { body: subscriptionJournal };
};

function mountTabs(identity: Identity = gardenAdmin) {
  return mount(SubjectTabs, {
    props: { kind: 'subscription', id: 's-1' },
    slots: { default: '<p data-testid="the-record">La fiche</p>' },
    global: { plugins: [signedIn(identity), i18n] },
    attachTo: document.body,
  });
}

describe('a record’s « Journal » tab', () => {
  let saved: string[];

  beforeEach(() => {
    setLocale('fr');
    saved = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:journal-1');
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

  it('reads the journal only when its tab is opened, and keeps the record meanwhile', async () => {
    const api = stubApi(journalAnswer);
    const wrapper = mountTabs();
    await flushPromises();
    expect(api.calls).toEqual([]);
    expect(wrapper.get('[data-testid="tab-details"]').attributes('aria-selected')).toBe('true');

    await wrapper.get('[data-testid="tab-journal"]').trigger('click');
    await flushPromises();
    expect(api.calls.map((call) => call.path)).toEqual([
      '/api/gardens/val-du-doubs/journal/subscription/s-1',
    ]);
    expect(api.calls[0]?.query.get('lang')).toBe('fr');
    expect(wrapper.get('[data-testid="tab-journal"]').attributes('aria-selected')).toBe('true');
    // Hidden, not gone: a form being typed there is still there.
    expect(wrapper.get('[data-testid="the-record"]').isVisible()).toBe(false);

    // Back and forth: read once.
    await wrapper.get('[data-testid="tab-details"]').trigger('click');
    await wrapper.get('[data-testid="tab-journal"]').trigger('click');
    await flushPromises();
    expect(api.calls).toHaveLength(1);
  });

  it('shows each entry: when, its category in words, the sentence, who, why and what changed', async () => {
    stubApi(journalAnswer);
    const wrapper = mountTabs();
    await wrapper.get('[data-testid="tab-journal"]').trigger('click');
    await flushPromises();

    const entries = wrapper.findAll('[data-testid="journal-entry"]');
    expect(entries.map((entry) => entry.attributes('data-kind'))).toEqual([
      'subscription.approved',
      'subscription.requested',
    ]);
    const [approved, requested] = entries;
    // 09:12 UTC is 10:12 in the garden (Paris, winter time).
    expect(approved!.get('[data-testid="journal-at"]').text()).toBe('3 décembre 2026 à 10:12');
    expect(approved!.get('[data-testid="journal-category"]').text()).toBe('Décision');
    expect(approved!.get('[data-testid="journal-text"]').text()).toBe('Validée par Claire M.');
    // Named in its sentence: not said twice.
    expect(approved!.find('[data-testid="journal-actor"]').exists()).toBe(false);
    expect(requested!.get('[data-testid="journal-actor"]').text()).toBe('par Paul R.');
    expect(approved!.get('[data-testid="journal-reason"]').text()).toBe('« place libre au dépôt »');
    const rows = approved!.findAll('[data-testid="journal-changes"] tbody tr');
    expect(rows.map((row) => row.text())).toEqual(['Statutpendingactive', 'Liste d’attenteouinon']);
    expect(approved!.find('[data-testid="journal-archived"]').exists()).toBe(false);
    expect(requested!.get('[data-testid="journal-archived"]').text()).toBe('archivé');
    expect(requested!.get('[data-testid="journal-category"]').text()).toBe('Demande');

    // Administrators read the raw source and can open the process in the Temporal UI.
    const source = approved!.get('[data-testid="journal-source"]');
    expect(source.get('[data-testid="source-workflow"]').text()).toBe('subscription-s-1');
    expect(source.text()).toContain('12 · WorkflowExecutionUpdateAccepted');
    expect(source.get('[data-testid="temporal-link"]').attributes('href')).toBe(
      'http://localhost:8233/namespaces/default/workflows/subscription-s-1',
    );
    expect(source.get('[data-testid="temporal-link"]').text()).toBe('Voir dans Temporal');
  });

  it('reads again with the filters chosen, and exports what they show', async () => {
    const api = stubApi(journalAnswer);
    const wrapper = mountTabs();
    await wrapper.get('[data-testid="tab-journal"]').trigger('click');
    await flushPromises();

    await wrapper.get('[data-testid="journal-category-filter"]').setValue('decision');
    await flushPromises();
    await wrapper.get('[data-testid="journal-actor-filter"]').setValue('u-claire');
    await flushPromises();
    await wrapper.get('[data-testid="journal-from"]').setValue('2026-12-01');
    await wrapper.get('[data-testid="journal-from"]').trigger('change');
    await flushPromises();
    expect(api.calls.at(-1)?.query.toString()).toBe(
      'from=2026-12-01&category=decision&actorId=u-claire&lang=fr',
    );

    // A period that ends before it starts is said, and not sent.
    const reads = api.calls.length;
    await wrapper.get('[data-testid="journal-to"]').setValue('2026-11-01');
    await wrapper.get('[data-testid="journal-to"]').trigger('change');
    await flushPromises();
    expect(api.calls).toHaveLength(reads);
    expect(wrapper.get('[role="alert"]').text()).toBe('La fin de la période est avant son début.');
    await wrapper.get('[data-testid="journal-to"]').setValue('');
    await wrapper.get('[data-testid="journal-to"]').trigger('change');
    await flushPromises();

    await wrapper.get('[data-testid="journal-export-csv"]').trigger('click');
    await flushPromises();
    const download = api.calls.at(-1)!;
    expect(download.path).toBe('/api/gardens/val-du-doubs/journal/subscription/s-1');
    expect(download.query.get('format')).toBe('csv');
    expect(download.query.get('category')).toBe('decision');
    expect(download.headers.get('Accept')).toContain('text/csv');
    expect(saved).toEqual(['journal-abonnement-s-1.csv']);
    expect(wrapper.get('[data-testid="journal-export-link"]').attributes('href')).toBe('blob:journal-1');
  });

  it('tells staff plainly that the garden keeps its journals to administrators', async () => {
    stubApi(() => ({ status: 403, body: { error: 'forbidden', message: 'Accès refusé.' } }));
    const wrapper = mountTabs(staffIdentity);
    await wrapper.get('[data-testid="tab-journal"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="journal-forbidden"]').text()).toContain(
      'Vous n’êtes pas autorisé à consulter ce journal',
    );
    expect(wrapper.find('[data-testid="journal-timeline"]').exists()).toBe(false);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('hides the raw source from staff who may read the journal', async () => {
    stubApi(journalAnswer);
    const wrapper = mountTabs(staffIdentity);
    await wrapper.get('[data-testid="tab-journal"]').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="journal-entry"]')).toHaveLength(2);
    expect(wrapper.find('[data-testid="journal-source"]').exists()).toBe(false);
  });

  it('says a failed read with « Réessayer », and an empty journal in words', async () => {
    let fail = true;
    stubApi(() =>
      fail
        ? { status: 503, body: { error: 'unavailable', message: 'Le journal ne peut pas être lu.' } }
        : { body: { entries: [], processes: [] } },
    );
    const wrapper = mountTabs();
    await wrapper.get('[data-testid="tab-journal"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toContain('Le journal ne peut pas être lu.');
    fail = false;
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="empty-state"]').text()).toBe('Rien n’a encore été enregistré ici.');
  });

  it('moves between the tabs with the arrow keys', async () => {
    stubApi(journalAnswer);
    const wrapper = mountTabs();
    await wrapper.get('[data-testid="tab-details"]').trigger('keydown', { key: 'ArrowRight' });
    await flushPromises();
    expect(wrapper.get('[data-testid="tab-journal"]').attributes('aria-selected')).toBe('true');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('tab-journal');
  });
});

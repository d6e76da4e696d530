import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import JournalDisclosure from './JournalDisclosure.vue';
import { subscriptionJournal } from './journal-fixtures.ts';

const member: Identity = { ...staffIdentity, roles: ['member'], memberId: 'm-1' };

function mountDisclosure(identity: Identity = staffIdentity) {
  setLocale('fr');
  return mount(JournalDisclosure, {
    props: { kind: 'invoice', id: '42', label: 'Journal : F-000042' },
    global: { plugins: [signedIn(identity), i18n] },
  });
}

describe('a « Journal » behind a button (an invoice, the garden)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the journal when opened, says it is open, and hides it again', async () => {
    const api = stubApi(() => ({ body: subscriptionJournal }));
    const wrapper = mountDisclosure();
    const toggle = wrapper.get('[data-testid="journal-toggle"]');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(toggle.attributes('aria-label')).toBe('Journal : F-000042');
    expect(api.calls).toEqual([]);

    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/journal/invoice/42');
    expect(wrapper.findAll('[data-testid="journal-entry"]')).toHaveLength(2);

    await toggle.trigger('click');
    expect(wrapper.find('[data-testid="journal-panel"]').exists()).toBe(false);
  });

  it('is not there for a member', () => {
    stubApi(() => ({ body: subscriptionJournal }));
    expect(mountDisclosure(member).find('[data-testid="journal-toggle"]').exists()).toBe(false);
  });
});

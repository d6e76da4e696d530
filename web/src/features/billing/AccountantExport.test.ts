import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import AccountantExport from './AccountantExport.vue';

const tooLarge =
  'Trop de paiements pour l’extension ecritures-fec (8,5 Mo, 8,0 Mo au plus) : voici le CSV habituel. ' +
  'Choisissez moins de mois pour obtenir son fichier.';

/** The API's answer: the CSV, with what it says of the garden's extension. */
const csvAnswer = (extensionHeaders: Record<string, string> = {}): StubAnswer => ({
  text: '\uFEFFDate;Facture\r\n',
  headers: {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="paiements-2026-01-2026-12.csv"',
    ...extensionHeaders,
  },
});

describe("the accountant's export", () => {
  let saved: string[];
  let revoked: string[];

  beforeEach(() => {
    setLocale('fr');
    saved = [];
    revoked = [];
    let made = 0;
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:export-${++made}`);
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url));
    // The browser's download: only what would be saved, under which name.
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  function mountExport(check: () => boolean = () => true) {
    return mount(AccountantExport, {
      props: { from: '2026-01', to: '2026-12', check },
      global: { plugins: [signedIn(), i18n] },
    });
  }

  it("says, where screen readers hear it, that the CSV came instead of the extension's file, and why", async () => {
    const api = stubApi(() =>
      csvAnswer({
        'x-cocagne-extension': 'ecritures-fec 1.1.0',
        'x-cocagne-extension-failure': 'input-too-large',
        'x-cocagne-extension-notice': encodeURIComponent(tooLarge),
      }),
    );
    const wrapper = mountExport();
    const status = wrapper.get('[data-testid="export-status"]');
    expect(status.attributes('role')).toBe('status');
    expect(status.text()).toBe('');

    await wrapper.get('[data-testid="export-csv"]').trigger('click');
    await flushPromises();
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/reports/payments.csv');
    expect(api.calls[0]?.query.toString()).toBe('from=2026-01&to=2026-12');
    // The file is saved all the same, and can be saved again.
    expect(saved).toEqual(['paiements-2026-01-2026-12.csv']);
    expect(wrapper.get('[data-testid="export-csv-link"]').attributes('href')).toBe('blob:export-1');
    // Inside the live region, as a warning: what the CSV is, then the API's sentence.
    const fallback = wrapper.get('[data-testid="export-status"] [data-testid="export-fallback"]');
    expect(fallback.attributes('data-kind')).toBe('input-too-large');
    expect(fallback.text()).toContain(
      'Le fichier enregistré est le CSV habituel, pas celui de l’extension du jardin.',
    );
    expect(wrapper.get('[data-testid="export-fallback-notice"]').text()).toBe(tooLarge);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);

    // Fewer months: the extension's file, and nothing more to say.
    api.calls.length = 0;
    stubApi(() => ({
      text: 'JournalCode\tJournalLib\r\n',
      headers: {
        'content-type': 'text/plain; charset=iso-8859-15',
        'content-disposition': 'attachment; filename="123456789FEC20261231.txt"',
        'x-cocagne-extension': 'ecritures-fec 1.1.0',
      },
    }));
    await wrapper.get('[data-testid="export-csv"]').trigger('click');
    await flushPromises();
    expect(saved).toEqual(['paiements-2026-01-2026-12.csv', '123456789FEC20261231.txt']);
    expect(revoked).toEqual(['blob:export-1']);
    expect(wrapper.find('[data-testid="export-fallback"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="export-status"]').text()).toBe('');
  });

  it('says it in its own words when the API gave no sentence (the extensions could not be read), in English too', async () => {
    stubApi(() => csvAnswer({ 'x-cocagne-extension-failure': 'unavailable' }));
    const wrapper = mountExport();
    await wrapper.get('[data-testid="export-csv"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="export-fallback-notice"]').text()).toBe(
      'Les extensions du jardin n’ont pas pu être lues. Réessayez dans quelques minutes pour obtenir le fichier de son extension.',
    );

    // A notice that is not percent-encoded as it should be: the kind, in the app's words.
    setLocale('en');
    stubApi(() =>
      csvAnswer({ 'x-cocagne-extension-failure': 'trap', 'x-cocagne-extension-notice': '%E2%80' }),
    );
    await wrapper.get('[data-testid="export-csv"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="export-fallback"]').text()).toBe(
      "The file saved is the usual CSV, not the garden's extension's." +
        "The garden's extension did not produce its file (trap).",
    );
  });

  it('exports nothing while the months are wrong, and shows a refusal as an alert', async () => {
    const api = stubApi(() => ({ status: 503, body: { error: 'unavailable', message: 'Indisponible.' } }));
    const wrapper = mountExport(() => false);
    await wrapper.get('[data-testid="export-csv"]').trigger('click');
    await flushPromises();
    expect(api.calls).toEqual([]);

    await wrapper.setProps({ check: () => true });
    await wrapper.get('[data-testid="export-csv"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe('Indisponible.');
    expect(saved).toEqual([]);
    expect(wrapper.find('[data-testid="export-fallback"]').exists()).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  deferred,
  gardenId,
  signedIn,
  stubApi,
  type ApiCall,
  type StubAnswer,
} from '../../testing/api-stub.ts';
import { gardenPublisher, networkPublisher, type PageDraftView } from './garden-pages-api.ts';
import { readCopy } from './draft-copy.ts';
import { autosaveDelayMs, usePageDraftsStore } from './page-drafts-store.ts';
import { usePublishedPagesStore } from './published-pages-store.ts';

const garden = gardenPublisher(gardenId);
const draftUrl = `/api/gardens/${gardenId}/page-drafts/cgv`;

const template: PageDraftView = {
  slug: 'cgv',
  title: 'Conditions générales de vente',
  html: '<h2>Objet</h2><p>[à compléter]</p>',
  legal: true,
  fromTemplate: true,
  publishedVersion: null,
  updatedAt: null,
  problems: [],
};
const missingAlt = {
  code: 'image-without-alt' as const,
  fr: 'L’image n° 1 n’a pas de texte alternatif.',
  en: 'Image 1 has no text alternative.',
};

/** The API as the drafts routes answer: a PUT answers the draft as sent, with what `problemsOf` finds. */
function draftsApi(
  options: {
    problemsOf?: (html: string) => (typeof missingAlt)[];
    put?: () => StubAnswer | Promise<StubAnswer>;
  } = {},
) {
  let current = template;
  return stubApi(async (call: ApiCall) => {
    if (call.path === draftUrl && call.method === 'GET') return { body: current };
    if (call.path === draftUrl && call.method === 'PUT') {
      if (options.put) {
        const answer = await options.put();
        if (answer.status && answer.status >= 400) return answer;
      }
      const { title, html } = call.body as { title: string; html: string };
      current = {
        ...current,
        title,
        html,
        fromTemplate: false,
        updatedAt: '2026-12-07T10:00:00.000Z',
        problems: options.problemsOf?.(html) ?? [],
      };
      return { body: current };
    }
    if (call.path === `${draftUrl}/publish`) {
      current = { ...current, publishedVersion: 1, updatedAt: null, fromTemplate: false };
      return {
        status: 201,
        body: {
          slug: 'cgv',
          title: current.title,
          html: current.html,
          version: 1,
          publishedAt: '2026-12-07T10:01:00.000Z',
          legal: true,
        },
      };
    }
    if (call.path === `/api/gardens/${gardenId}/pages/cgv/versions`) return { body: { versions: [] } };
    return { status: 404, body: { error: 'not_found', message: 'Introuvable.' } };
  });
}

const puts = (calls: ApiCall[]) => calls.filter((call) => call.method === 'PUT');

describe('the page drafts store', () => {
  beforeEach(() => {
    signedIn();
    sessionStorage.clear();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('saves after a pause in typing, once, with the latest text; the tab keeps it until the server has it', async () => {
    vi.useFakeTimers();
    const api = draftsApi({ problemsOf: (html) => (html.includes('<img') ? [missingAlt] : []) });
    const pages = usePageDraftsStore();
    await pages.open(garden, 'cgv');
    expect(pages.typed).toEqual({ title: template.title, html: template.html });

    pages.edit({ html: '<p>Un</p>' });
    pages.edit({ html: '<p>Un deux <img src="/x.png"></p>' });
    expect(pages.saveState).toBe('pending');
    expect(readCopy(`garden:${gardenId}`, 'cgv')?.html).toBe('<p>Un deux <img src="/x.png"></p>');
    await vi.advanceTimersByTimeAsync(autosaveDelayMs - 100);
    expect(puts(api.calls)).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(200);
    await vi.waitFor(() => expect(pages.saveState).toBe('saved'));
    expect(puts(api.calls).map((call) => call.body)).toEqual([
      { title: template.title, html: '<p>Un deux <img src="/x.png"></p>' },
    ]);
    expect(pages.problems).toEqual([missingAlt]);
    expect(readCopy(`garden:${gardenId}`, 'cgv')).toBeUndefined();
  });

  it('keeps what was typed when the save fails, offers it back on the next visit, and sends it when taken', async () => {
    const refused = { status: 503, body: { error: 'unavailable', message: 'Le service ne répond pas.' } };
    let failing = true;
    const api = draftsApi({ put: () => (failing ? refused : {}) });
    const pages = usePageDraftsStore();
    await pages.open(garden, 'cgv');
    pages.edit({ title: 'CGV 2027', html: '<p>Nouveaux tarifs</p>' });
    await pages.saveNow();
    expect(pages.saveState).toBe('failed');
    expect(pages.saveError).toBe('Le service ne répond pas.');
    expect(readCopy(`garden:${gardenId}`, 'cgv')).toMatchObject({
      title: 'CGV 2027',
      html: '<p>Nouveaux tarifs</p>',
    });

    // The tab is reloaded: the server still has the template, the copy is offered.
    failing = false;
    signedIn();
    const again = usePageDraftsStore();
    await again.open(garden, 'cgv');
    expect(again.typed?.html).toBe(template.html);
    expect(again.unsavedCopy).toMatchObject({ title: 'CGV 2027', html: '<p>Nouveaux tarifs</p>' });
    await again.restoreCopy();
    expect(again.saveState).toBe('saved');
    expect(puts(api.calls).at(-1)?.body).toEqual({ title: 'CGV 2027', html: '<p>Nouveaux tarifs</p>' });
    expect(readCopy(`garden:${gardenId}`, 'cgv')).toBeUndefined();
  });

  it('sends what is typed during a save right after it, not lost nor sent twice at once', async () => {
    const answer = deferred<StubAnswer>();
    let first = true;
    const api = draftsApi({
      put: () => {
        if (!first) return {};
        first = false;
        return answer.promise;
      },
    });
    const pages = usePageDraftsStore();
    await pages.open(garden, 'cgv');
    pages.edit({ html: '<p>Premier</p>' });
    const saving = pages.saveNow();
    pages.edit({ html: '<p>Premier et second</p>' });
    const again = pages.saveNow();
    answer.resolve({});
    await Promise.all([saving, again]);
    expect(puts(api.calls).map((call) => (call.body as { html: string }).html)).toEqual([
      '<p>Premier</p>',
      '<p>Premier et second</p>',
    ]);
    expect(pages.saveState).toBe('saved');
  });

  it('saves nothing on opening, even when the editor rewrites the html its own way', async () => {
    vi.useFakeTimers();
    const api = draftsApi();
    const pages = usePageDraftsStore();
    await pages.open(garden, 'cgv');
    pages.editorShows('<h2>Objet</h2>\n<p>[à compléter]</p>');
    pages.edit({ html: '<h2>Objet</h2>\n<p>[à compléter]</p>' });
    await vi.advanceTimersByTimeAsync(autosaveDelayMs * 2);
    expect(puts(api.calls)).toHaveLength(0);
    expect(pages.allSaved).toBe(true);
  });

  it('does not send an empty title: said, and kept in the tab', async () => {
    const api = draftsApi();
    const pages = usePageDraftsStore();
    await pages.open(garden, 'cgv');
    pages.edit({ title: '   ' });
    await pages.saveNow();
    expect(pages.saveState).toBe('invalid');
    expect(puts(api.calls)).toHaveLength(0);
    expect(readCopy(`garden:${gardenId}`, 'cgv')?.title).toBe('   ');
  });

  it('publishes after saving what waits, then reads the page again', async () => {
    const api = draftsApi();
    const pages = usePageDraftsStore();
    await pages.open(garden, 'cgv');
    pages.edit({ html: '<p>Tarifs 2027</p>' });
    const published = await pages.publish({ substantial: true, note: '  Nouveaux tarifs  ' });
    expect(published.version).toBe(1);
    const sent = api.calls
      .filter((call) => call.method !== 'GET')
      .map((call) => [call.method, call.path, call.body]);
    expect(sent).toEqual([
      ['PUT', draftUrl, { title: template.title, html: '<p>Tarifs 2027</p>' }],
      ['POST', `${draftUrl}/publish`, { substantial: true, note: 'Nouveaux tarifs' }],
    ]);
    expect(pages.draft?.publishedVersion).toBe(1);
    expect(pages.versions).toEqual([]);
  });
});

describe('the published pages store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads each publisher’s list once, and keeps the garden’s own pages for the footer', async () => {
    const api = stubApi((call) =>
      call.path === '/api/network/pages'
        ? { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } }
        : {
            body: {
              pages: [
                {
                  slug: 'cgv',
                  title: 'CGV',
                  legal: true,
                  version: 2,
                  publishedAt: '2026-12-01T10:00:00.000Z',
                },
                {
                  slug: 'nos-paniers',
                  title: 'Nos paniers',
                  legal: false,
                  version: 1,
                  publishedAt: '2026-12-01T10:00:00.000Z',
                },
              ],
            },
          },
    );
    const published = usePublishedPagesStore();
    await Promise.all([published.load(garden), published.load(garden), published.load(networkPublisher)]);
    await published.load(garden);
    expect(published.ownPages(garden).map((page) => page.slug)).toEqual(['nos-paniers']);
    expect(published.ownPages(networkPublisher)).toEqual([]);
    expect(api.calls.map((call) => call.path).sort()).toEqual([
      `/api/gardens/${gardenId}/pages`,
      '/api/network/pages',
    ]);
    // Public reads go without the token, and say nothing in a toast.
    expect(api.calls.every((call) => !call.headers.has('Authorization'))).toBe(true);
  });
});

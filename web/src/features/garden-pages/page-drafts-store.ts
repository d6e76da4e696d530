import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { orProblem } from '../../api-client/problems.ts';
import { ApiError, isApiError } from '../../api-client/request.ts';
import { translate } from '../../i18n/index.ts';
import * as api from './garden-pages-api.ts';
import type {
  AccessibilityProblem,
  PageDraftEntry,
  PageDraftInput as DraftInput,
  PageDraftView as PageDraft,
  PageVersionEntry,
  Publisher,
  PublishedPage,
  PublishInput,
} from './garden-pages-api.ts';
import { dropCopy, keepCopy, readCopy, sameInput, type DraftCopy } from './draft-copy.ts';
import { pageText, wordDiff, type DiffPart } from './word-diff.ts';

/** How long typing pauses before the draft is saved. */
export const autosaveDelayMs = 1500;

/**
 * Where the draft being edited stands: `pending` typed and waiting for the pause, `saving`
 * sent, `saved` the server has what is typed, `failed` the server refused or was out of reach
 * (what was typed is kept in the tab), `invalid` not sendable yet (an empty title).
 */
export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'failed' | 'invalid';

/**
 * « Pages du jardin » for its administrators (and the network's own pages for network
 * admins): the list of pages, and the one page being edited: its draft saved as it is typed
 * (after a pause), a copy kept in the tab until the server has it, its accessibility problems
 * from the last save, publishing, its versions and their comparison.
 */
export const usePageDraftsStore = defineStore('pageDrafts', () => {
  const publisher = ref<Publisher>();
  const pages = ref<PageDraftEntry[]>();
  const listLoading = ref(false);
  const listError = ref<string>();

  const slug = ref<string>();
  /** The server's last answer for the page being edited. */
  const draft = ref<PageDraft>();
  const loading = ref(false);
  const loadError = ref<string>();
  const notFound = ref(false);
  /** What is in the form now. */
  const typed = ref<DraftInput>();
  /** What the server holds, in the editor's own words (as last sent, or as first shown). */
  const saved = ref<DraftInput>();
  const saveState = ref<SaveState>('idle');
  const saveError = ref<string>();
  const lastSavedAt = ref<string>();
  /** The browser refused to keep the copy (storage full or private): said beside the editor. */
  const copyRefused = ref(false);
  /** A copy typed earlier that the server never got: offered back when the page opens. */
  const unsavedCopy = ref<DraftCopy>();
  const problems = ref<AccessibilityProblem[]>([]);
  const versions = ref<PageVersionEntry[]>();
  const versionsError = ref<string>();
  /**
   * Counts the texts handed to the editor from outside (a page opened, a copy taken back): the
   * editor is made anew for each, so that what it shows first is the baseline (`editorShows`).
   */
  const shownRevision = ref(0);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;

  const key = () => (publisher.value ? api.publisherKey(publisher.value) : '');
  const requirePublisher = () => {
    if (!publisher.value) throw new Error('No publisher chosen for the pages.');
    return publisher.value;
  };

  /** Everything typed has reached the server (nothing waits, nothing is kept in the tab only). */
  const allSaved = computed(() => sameInput(typed.value, saved.value) && saveState.value !== 'saving');

  async function loadList(target: Publisher): Promise<void> {
    publisher.value = target;
    listLoading.value = true;
    listError.value = undefined;
    try {
      await orProblem(
        async () => {
          pages.value = (await api.listDrafts(target)).pages;
        },
        (problem) => {
          listError.value = problem.message;
        },
      );
    } finally {
      listLoading.value = false;
    }
  }

  /** One of the garden's own pages, created by saving its first draft. Throws the ApiError. */
  async function createPage(pageSlug: string, title: string): Promise<void> {
    const target = requirePublisher();
    await api.saveDraft(target, pageSlug, { title: title.trim(), html: '' });
    await loadList(target);
  }

  function clearTimer(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  /** Opens a page to edit: its draft (or its template), and any copy the server never got. */
  async function open(target: Publisher, pageSlug: string): Promise<void> {
    clearTimer();
    publisher.value = target;
    slug.value = pageSlug;
    draft.value = undefined;
    typed.value = undefined;
    saved.value = undefined;
    unsavedCopy.value = undefined;
    problems.value = [];
    saveState.value = 'idle';
    saveError.value = undefined;
    lastSavedAt.value = undefined;
    versions.value = undefined;
    loading.value = true;
    loadError.value = undefined;
    notFound.value = false;
    try {
      const read = await orProblem(
        () => api.readDraft(target, pageSlug),
        (problem) => {
          if (problem.status === 404) notFound.value = true;
          else loadError.value = problem.message;
        },
      );
      if (!read || slug.value !== pageSlug) return;
      showDraft(read);
      const copy = readCopy(key(), pageSlug);
      if (copy && !sameInput(copy, typed.value)) unsavedCopy.value = copy;
      else if (copy) dropCopy(key(), pageSlug);
    } finally {
      loading.value = false;
    }
  }

  function showDraft(read: PageDraft): void {
    draft.value = read;
    problems.value = read.problems;
    typed.value = { title: read.title, html: read.html };
    saved.value = { ...typed.value };
    lastSavedAt.value = read.updatedAt ?? undefined;
    shownRevision.value++;
  }

  /**
   * The editor rewrites html in its own way as it shows it (attribute order, spaces): what it
   * first shows is taken as what the server holds, so that opening a page saves nothing.
   */
  function editorShows(html: string): void {
    if (!typed.value || !saved.value || !sameInput(typed.value, saved.value)) return;
    typed.value = { ...typed.value, html };
    saved.value = { ...saved.value, html };
  }

  /** Something typed: kept in the tab at once, saved after a pause. */
  function edit(change: Partial<DraftInput>): void {
    if (!typed.value || !slug.value) return;
    typed.value = { ...typed.value, ...change };
    if (sameInput(typed.value, saved.value)) {
      if (saveState.value === 'pending') saveState.value = 'saved';
      dropCopy(key(), slug.value);
      clearTimer();
      return;
    }
    copyRefused.value = !keepCopy(key(), slug.value, { ...typed.value, typedAt: new Date().toISOString() });
    if (saveState.value !== 'saving') saveState.value = 'pending';
    clearTimer();
    timer = setTimeout(() => void saveNow(), autosaveDelayMs);
  }

  /**
   * Sends what is typed now (the pause cut short). One save at a time: typing meanwhile is
   * sent when the save in flight is answered. Never rejects: a refusal is `saveState` 'failed'
   * with its sentence in `saveError`, and the copy stays in the tab.
   */
  async function saveNow(): Promise<void> {
    clearTimer();
    if (inFlight) {
      await inFlight;
      if (stillPending()) return saveNow();
      return;
    }
    const target = publisher.value;
    const pageSlug = slug.value;
    const sending = typed.value ? { ...typed.value } : undefined;
    if (!target || !pageSlug || !sending) return;
    if (sameInput(sending, saved.value)) {
      dropCopy(key(), pageSlug);
      saveState.value = 'saved';
      return;
    }
    if (!sending.title.trim()) {
      saveState.value = 'invalid';
      return;
    }
    saveState.value = 'saving';
    saveError.value = undefined;
    inFlight = (async () => {
      try {
        const answer = await api.saveDraft(target, pageSlug, { ...sending, title: sending.title.trim() });
        if (slug.value !== pageSlug) return;
        draft.value = answer;
        problems.value = answer.problems;
        saved.value = sending;
        lastSavedAt.value = answer.updatedAt ?? new Date().toISOString();
        if (sameInput(typed.value, sending)) {
          dropCopy(api.publisherKey(target), pageSlug);
          saveState.value = 'saved';
        } else {
          saveState.value = 'pending';
        }
      } catch (error) {
        if (!isApiError(error)) throw error;
        saveState.value = 'failed';
        saveError.value = error.message;
      } finally {
        inFlight = undefined;
      }
    })();
    await inFlight;
    // Typed while the save was in flight: sent now.
    if (stillPending()) await saveNow();
  }

  /** Read through a function: TypeScript would keep the state it saw before the await. */
  function stillPending(): boolean {
    return saveState.value === 'pending';
  }

  /** Takes back the copy found in the tab, and sends it. */
  async function restoreCopy(): Promise<void> {
    const copy = unsavedCopy.value;
    if (!copy || !typed.value) return;
    unsavedCopy.value = undefined;
    typed.value = { title: copy.title, html: copy.html };
    shownRevision.value++;
    await saveNow();
  }

  function dismissCopy(): void {
    if (slug.value) dropCopy(key(), slug.value);
    unsavedCopy.value = undefined;
  }

  /**
   * Publishes the draft once everything typed is saved. Throws the ApiError (422 with the
   * problems left, or a refused save) for the dialog to show; after it, the page is read again.
   */
  async function publish(input: PublishInput): Promise<PublishedPage> {
    const target = requirePublisher();
    const pageSlug = slug.value;
    if (!pageSlug) throw new Error('No page is open.');
    await saveNow();
    if (saveState.value === 'failed' || saveState.value === 'invalid') {
      throw new ApiError(0, 'unsaved', saveError.value ?? translate('gardenPages.editor.titleRequired'));
    }
    const note = input.note?.trim();
    const published = await api.publishDraft(target, pageSlug, {
      substantial: input.substantial,
      ...(note ? { note } : {}),
    });
    await open(target, pageSlug);
    await loadVersions();
    return published;
  }

  /** Drops the draft; answers whether the page is still there (a page never published goes). */
  async function discard(): Promise<boolean> {
    const target = requirePublisher();
    const pageSlug = slug.value;
    if (!pageSlug) return false;
    clearTimer();
    await api.deleteDraft(target, pageSlug);
    dropCopy(key(), pageSlug);
    await open(target, pageSlug);
    return !notFound.value;
  }

  async function loadVersions(): Promise<void> {
    const target = publisher.value;
    const pageSlug = slug.value;
    if (!target || !pageSlug) return;
    versionsError.value = undefined;
    await orProblem(
      async () => {
        versions.value = (await api.listVersions(target, pageSlug)).versions;
      },
      (problem) => {
        versionsError.value = problem.message;
      },
    );
  }

  /** What changed from one version to another, word by word. Throws the ApiError. */
  async function compare(from: number, to: number): Promise<DiffPart[]> {
    const target = requirePublisher();
    const pageSlug = slug.value;
    if (!pageSlug) return [];
    const [before, after] = await Promise.all([
      api.readVersion(target, pageSlug, from),
      api.readVersion(target, pageSlug, to),
    ]);
    return wordDiff(pageText(before.html), pageText(after.html));
  }

  /** Leaving the editor: what is typed is sent now rather than after the pause. */
  async function leave(): Promise<void> {
    if (timer !== undefined) await saveNow();
  }

  return {
    publisher,
    pages,
    listLoading,
    listError,
    slug,
    draft,
    loading,
    loadError,
    notFound,
    typed,
    saved,
    saveState,
    saveError,
    lastSavedAt,
    copyRefused,
    unsavedCopy,
    problems,
    versions,
    versionsError,
    shownRevision,
    allSaved,
    loadList,
    createPage,
    open,
    editorShows,
    edit,
    saveNow,
    restoreCopy,
    dismissCopy,
    publish,
    discard,
    loadVersions,
    compare,
    leave,
  };
});

import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { Locale } from '../../../../domain/locale.ts';
import {
  defaultContactPreferences,
  memberLanguage,
  type ContactPreferences,
  type Member,
  type MemberInput,
} from '../../../../domain/member.ts';
import type { MemberStanding } from '../../../../domain/member-standing.ts';
import * as api from './members-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { isAbort } from '../../api-client/request.ts';
import { requireGardenId } from '../../stores/session.ts';

export const membersPerPage = 25;

/**
 * The cursors walked once a page read with `cursors` gave `next`: those already known beyond it
 * stay while they follow the same path (back then forward again), else the path starts anew.
 */
function walkedAfter(
  walked: (string | undefined)[],
  cursors: (string | undefined)[],
  next: string | undefined,
): (string | undefined)[] {
  const depth = cursors.length;
  const onPath = walked.length >= depth && cursors.every((cursor, index) => walked[index] === cursor);
  const known = onPath ? walked : [...cursors];
  if (next === undefined) return [...cursors];
  return known[depth] === next ? known : [...cursors, next];
}

/**
 * Members: the list the staff browse (a search and a page at a time) and the records read
 * one by one. The API pages with opaque cursors that only go forward, so going back uses the
 * stack of cursors of the pages already seen.
 */
export const useMemberStore = defineStore('members', () => {
  const byId = ref<Record<string, Member>>({});

  const list = reactive({
    search: '',
    /** Where the households stand, and their depot: the list's filters ('' for all). */
    status: '',
    depotId: '',
    /** How many members the search and filters keep, over every page. */
    total: undefined as number | undefined,
    ids: [] as string[],
    /** The cursor each visited page was read with; the last one is the current page's. */
    cursors: [undefined] as (string | undefined)[],
    /**
     * The cursors of every page walked for this search and filters, also those after the page
     * shown when staff went back: the address keeps only a page number, since a cursor holds a
     * member's name (it would end in the history, shared links and logs); here, in memory.
     */
    walked: [undefined] as (string | undefined)[],
    nextCursor: undefined as string | undefined,
    loading: false,
    loaded: false,
    error: undefined as string | undefined,
  });
  let listController: AbortController | undefined;

  const page = computed(() => list.ids.map((id) => byId.value[id]).filter((member) => member !== undefined));
  const pageNumber = computed(() => list.cursors.length);
  const hasNext = computed(() => list.nextCursor !== undefined);
  const hasPrevious = computed(() => list.cursors.length > 1);

  function remember(member: Member): Member {
    byId.value[member.id] = member;
    return member;
  }

  /** Reads one page; the cursor stack only changes once the page has arrived. */
  async function readPage(cursors: (string | undefined)[]): Promise<void> {
    listController?.abort();
    const controller = new AbortController();
    listController = controller;
    list.loading = true;
    list.error = undefined;
    const cursor = cursors[cursors.length - 1];
    const search = list.search.trim();
    try {
      await orProblem(
        async () => {
          const answer = await api.listMembers(
            requireGardenId(),
            {
              limit: membersPerPage,
              ...(search ? { search } : {}),
              ...(list.status ? { status: list.status } : {}),
              ...(list.depotId ? { depotId: list.depotId } : {}),
              ...(cursor ? { cursor } : {}),
            },
            controller.signal,
          );
          answer.members.forEach(remember);
          list.ids = answer.members.map((member) => member.id);
          list.cursors = cursors;
          list.nextCursor = answer.nextCursor;
          list.walked = walkedAfter(list.walked, cursors, answer.nextCursor);
          list.total = answer.total;
          list.loaded = true;
        },
        (error) => {
          list.error = error.message;
        },
      );
    } catch (error) {
      // A newer search replaced this one: nothing to say.
      if (!isAbort(error)) throw error;
    } finally {
      if (listController === controller) {
        list.loading = false;
        listController = undefined;
      }
    }
  }

  /** First page of the list for a search text ('' for everyone). */
  function searchFor(text: string): Promise<void> {
    list.search = text;
    list.walked = [undefined];
    return readPage([undefined]);
  }

  /**
   * The list for a search and filters at a page (1 the first): a page walked since these filters
   * were set is read with the cursor kept in memory; another one (a reload on page 3) shows the
   * first page, filters kept. Resolves to the page number asked of the API.
   */
  async function show(
    wanted: { search: string; status: MemberStanding | ''; depotId: string },
    pageNumber = 1,
  ): Promise<number> {
    const same =
      list.search === wanted.search && list.status === wanted.status && list.depotId === wanted.depotId;
    if (!same) list.walked = [undefined];
    list.search = wanted.search;
    list.status = wanted.status;
    list.depotId = wanted.depotId;
    const cursors = pageNumber <= list.walked.length ? list.walked.slice(0, pageNumber) : [undefined];
    await readPage(cursors);
    return cursors.length;
  }

  /** The current page again (after a change, or a failure). */
  function reload(): Promise<void> {
    return readPage([...list.cursors]);
  }

  function nextPage(): Promise<void> {
    if (list.nextCursor === undefined) return Promise.resolve();
    return readPage([...list.cursors, list.nextCursor]);
  }

  function previousPage(): Promise<void> {
    if (list.cursors.length <= 1) return Promise.resolve();
    return readPage(list.cursors.slice(0, -1));
  }

  async function fetchMember(memberId: string): Promise<Member> {
    return remember(await api.getMember(requireGardenId(), memberId));
  }

  /** Throws the ApiError for the form to show beside its fields. */
  async function createMember(input: MemberInput): Promise<Member> {
    const member = remember(await api.createMember(requireGardenId(), input));
    // The list is sorted by name: read it again rather than guess where the newcomer goes.
    list.loaded = false;
    return member;
  }

  /** Throws the ApiError (409 when someone else changed the record since `version`). */
  async function updateMember(memberId: string, input: MemberInput, version: number): Promise<Member> {
    const member = remember(await api.updateMember(requireGardenId(), memberId, input, version));
    list.loaded = false;
    return member;
  }

  /** The member's choice, or the garden's default (email only) when they never chose. */
  function contactPreferencesOf(memberId: string): ContactPreferences {
    return byId.value[memberId]?.contactPreferences ?? defaultContactPreferences;
  }

  /**
   * How the member wants to hear from the garden: shown at once, put back when refused (an
   * SMS without a phone on file); the refusal is thrown for the screen to show.
   */
  async function setContactPreferences(memberId: string, preferences: ContactPreferences): Promise<Member> {
    const before = byId.value[memberId];
    if (before) byId.value[memberId] = { ...before, contactPreferences: preferences };
    try {
      return remember(await api.setContactPreferences(requireGardenId(), memberId, preferences));
    } catch (error) {
      if (before) byId.value[memberId] = before;
      throw error;
    }
  }

  /** The language the garden writes to the member in: French when they never chose. */
  function languageOf(memberId: string): Locale {
    return memberLanguage(byId.value[memberId] ?? {});
  }

  /** The language of the garden's messages: shown at once, put back and thrown when refused. */
  async function setLanguage(memberId: string, language: Locale): Promise<Member> {
    const before = byId.value[memberId];
    if (before) byId.value[memberId] = { ...before, language };
    try {
      return remember(await api.setLanguage(requireGardenId(), memberId, language));
    } catch (error) {
      if (before) byId.value[memberId] = before;
      throw error;
    }
  }

  /** Places the member's home on the map; throws the refusal for the screen to show. */
  async function placeHome(memberId: string, point: api.MapPoint): Promise<Member> {
    return remember(await api.placeMemberHome(requireGardenId(), memberId, point));
  }

  return {
    byId,
    list,
    page,
    pageNumber,
    hasNext,
    hasPrevious,
    searchFor,
    show,
    reload,
    nextPage,
    previousPage,
    fetchMember,
    createMember,
    updateMember,
    contactPreferencesOf,
    setContactPreferences,
    languageOf,
    setLanguage,
    placeHome,
  };
});

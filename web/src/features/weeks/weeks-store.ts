import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CompositionInput } from '../../../../domain/delivery-week.ts';
import * as api from './weeks-api.ts';
import type { WeekBasket, WeekComposition, WeekPhase, WeekSummary, WeekView } from './weeks-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/** Where a week stands: not started yet, or its workflow's phase. */
export type WeekState = 'not-started' | WeekPhase;

export function weekState(view: WeekView | undefined): WeekState | undefined {
  if (!view) return undefined;
  if (view.progress) return view.progress.phase;
  // The workflow is gone (the week is long over) but its summary stayed.
  return view.counts ? 'done' : 'not-started';
}

/** The composition can change until it is approved (and the documents printed). */
export function compositionLocked(view: WeekView | undefined): boolean {
  const state = weekState(view);
  return (
    view?.progress?.approval !== undefined || state === 'printing' || state === 'ready' || state === 'done'
  );
}

/** Phases that move on their own, which the page follows by reading the week again. */
const moving: readonly (WeekState | undefined)[] = ['planning', 'printing'];

/**
 * Delivery weeks as staff prepare them: progress while the baskets are planned, counts by
 * depot and size, the composition, approval, the printed documents and the depot sheets; and
 * the last weeks' totals for the dashboard.
 *
 * Reads of one week may cross (the page reads every second while it plans, and a save
 * answers meanwhile): the last one asked wins, and a save makes the reads before it stale.
 */
export const useWeekStore = defineStore('weeks', () => {
  const byWeek = ref<Record<string, WeekView>>({});
  const loading = ref<Record<string, boolean>>({});
  const errors = ref<Record<string, string>>({});
  /** Preparation asked for here, not yet seen started: the page follows it. */
  const starting = ref<Record<string, true>>({});
  const latestRead = new Map<string, number>();

  const baskets = ref<Record<string, WeekBasket[]>>({});
  const basketErrors = ref<Record<string, string>>({});
  const history = ref<WeekSummary[]>();
  const historyError = ref<string>();
  const documentUrls = new Map<string, string>();

  function staleReads(week: string): number {
    const read = (latestRead.get(week) ?? 0) + 1;
    latestRead.set(week, read);
    return read;
  }

  /** Reads a week; never rejects on an API error (kept in `errors`). */
  async function load(week: string): Promise<void> {
    const read = staleReads(week);
    loading.value[week] = true;
    try {
      await orProblem(
        async () => {
          const view = await api.getWeek(requireGardenId(), week);
          if (latestRead.get(week) !== read) return;
          byWeek.value[week] = view;
          delete errors.value[week];
          if (view.progress) delete starting.value[week];
        },
        (error) => {
          if (latestRead.get(week) === read) errors.value[week] = error.message;
        },
      );
    } finally {
      if (latestRead.get(week) === read) loading.value[week] = false;
    }
  }

  /** Whether the page should read the week again shortly (it plans, prints, or is starting). */
  function shouldFollow(week: string): boolean {
    return starting.value[week] === true || moving.includes(weekState(byWeek.value[week]));
  }

  /** Starts the week's preparation now; throws the refusal. */
  async function prepare(week: string): Promise<void> {
    await api.prepareWeek(requireGardenId(), week);
    starting.value[week] = true;
    await load(week);
  }

  function keepComposition(week: string, composition: WeekComposition): WeekComposition {
    const view = byWeek.value[week];
    if (view) byWeek.value[week] = { ...view, composition };
    return composition;
  }

  /** Saves the composition from the version read (0 when new); throws the ApiError (409: changed meanwhile). */
  async function saveComposition(week: string, composition: CompositionInput): Promise<WeekComposition> {
    const version = byWeek.value[week]?.composition?.version ?? 0;
    staleReads(week);
    return keepComposition(week, await api.saveComposition(requireGardenId(), week, composition, version));
  }

  /** Starts the composition from last week's; throws the ApiError (404: last week had none). */
  async function copyPrevious(week: string): Promise<WeekComposition> {
    staleReads(week);
    return keepComposition(week, await api.copyPreviousComposition(requireGardenId(), week));
  }

  /**
   * Approves the composition; answers once the documents are printed, then the week is read
   * again. Throws the refusal (422: an empty basket, already approved…) for the screen to say.
   */
  async function approve(week: string): Promise<void> {
    const answer = await api.approveWeek(requireGardenId(), week);
    const view = byWeek.value[week];
    if (view?.progress) {
      byWeek.value[week] = {
        ...view,
        progress: { ...view.progress, phase: answer.phase as WeekPhase },
        documents: answer.documents,
      };
    }
    await load(week);
  }

  /** The week's baskets, for the depot sheets on screen; never rejects on an API error. */
  async function loadBaskets(week: string): Promise<void> {
    await orProblem(
      async () => {
        baskets.value[week] = await api.weekBaskets(requireGardenId(), week);
        delete basketErrors.value[week];
      },
      (error) => {
        basketErrors.value[week] = error.message;
      },
    );
  }

  /** The last weeks' totals, most recent first; never rejects on an API error. */
  async function loadHistory(limit = 12): Promise<void> {
    await orProblem(
      async () => {
        history.value = await api.listWeeks(requireGardenId(), limit);
        historyError.value = undefined;
      },
      (error) => {
        historyError.value = error.message;
      },
    );
  }

  /**
   * A printed document as an address the browser can open (an object URL of its bytes: the
   * API wants the bearer token, which a plain link would not send). Throws the ApiError.
   */
  async function documentUrl(week: string, name: string): Promise<string> {
    const key = `${week}/${name}`;
    const known = documentUrls.get(key);
    if (known) return known;
    const blob = await api.weekDocument(requireGardenId(), week, name);
    const url = URL.createObjectURL(blob);
    documentUrls.set(key, url);
    return url;
  }

  /** Lets the browser free the documents' bytes (leaving the week's page). */
  function forgetDocuments(): void {
    for (const url of documentUrls.values()) URL.revokeObjectURL(url);
    documentUrls.clear();
  }

  return {
    byWeek,
    loading,
    errors,
    starting,
    baskets,
    basketErrors,
    history,
    historyError,
    load,
    shouldFollow,
    prepare,
    saveComposition,
    copyPrevious,
    approve,
    loadBaskets,
    loadHistory,
    documentUrl,
    forgetDocuments,
  };
});

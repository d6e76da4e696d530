import { defineStore } from 'pinia';
import { ref } from 'vue';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';
import * as api from './rounds-api.ts';
import type { RoundSummary, RoundView, StopMove } from './rounds-api.ts';

/**
 * The delivery rounds as staff see them: the week's rounds (one per delivery day), and each
 * day's round with its routes, changes and marks. The answer of an action (plan, approve,
 * move a stop) is the round as it now stands: it replaces what was read before it, and a
 * read that was under way when the action answered is dropped.
 */
export const useRoundStore = defineStore('rounds', () => {
  const byWeek = ref<Record<string, RoundSummary[]>>({});
  /** The days of each week that have baskets to deliver (planned or not). */
  const daysByWeek = ref<Record<string, string[]>>({});
  const weekErrors = ref<Record<string, string>>({});
  const byDate = ref<Record<string, RoundView>>({});
  const loading = ref<Record<string, boolean>>({});
  const errors = ref<Record<string, string>>({});
  /** Days the API says are not planned (404): the page offers to plan them. */
  const notPlanned = ref<Record<string, true>>({});
  /**
   * Days whose planning was asked here and whose new plan is not read yet: the workflow plans
   * in a moment, and the page reads the round again until it shows a newer revision.
   */
  const planAsked = ref<Record<string, number>>({});
  const latestRead = new Map<string, number>();

  function newRead(date: string): number {
    const read = (latestRead.get(date) ?? 0) + 1;
    latestRead.set(date, read);
    return read;
  }

  async function loadWeek(week: string): Promise<void> {
    await orProblem(
      async () => {
        const { rounds, days } = await api.listRounds(requireGardenId(), week);
        byWeek.value[week] = rounds;
        daysByWeek.value[week] = days ?? [];
        delete weekErrors.value[week];
      },
      (error) => {
        weekErrors.value[week] = error.message;
      },
    );
  }

  /** Reads a day's round; never rejects on an API error (kept in `errors`, or `notPlanned` on 404). */
  async function load(date: string): Promise<void> {
    const read = newRead(date);
    loading.value[date] = true;
    try {
      await orProblem(
        async () => {
          const round = await api.getRound(requireGardenId(), date);
          if (latestRead.get(date) !== read) return;
          keep(round);
        },
        (error) => {
          if (latestRead.get(date) !== read) return;
          if (error.status === 404) {
            notPlanned.value[date] = true;
            delete errors.value[date];
            delete byDate.value[date];
          } else errors.value[date] = error.message;
        },
      );
    } finally {
      if (latestRead.get(date) === read) loading.value[date] = false;
    }
  }

  function keep(round: RoundView): void {
    // The plan asked for shows as a newer revision than the one read when it was asked.
    const asked = planAsked.value[round.date];
    if (asked !== undefined && round.revision > asked) delete planAsked.value[round.date];
    byDate.value[round.date] = round;
    delete errors.value[round.date];
    delete notPlanned.value[round.date];
  }

  /** An action's answer is the truth: reads sent before it are stale. */
  async function act(date: string, call: () => Promise<RoundView>): Promise<RoundView> {
    newRead(date);
    const round = await call();
    newRead(date);
    loading.value[date] = false;
    keep(round);
    return round;
  }

  /** Starts the day's planning (or plans again); the round is read again until the new plan shows. */
  async function plan(date: string): Promise<void> {
    await api.planRound(requireGardenId(), date);
    planAsked.value[date] = byDate.value[date]?.revision ?? 0;
    // A plan that never shows (the workflow refused the day) stops being waited for.
    setTimeout(() => delete planAsked.value[date], 120_000);
    await load(date);
  }

  /** Whether the page should read the round again soon: planning asked, or under way. */
  function planning(date: string): boolean {
    return planAsked.value[date] !== undefined || byDate.value[date]?.phase === 'planning';
  }
  const approve = (date: string, revision: number) =>
    act(date, () => api.approveRound(requireGardenId(), date, revision));
  const moveStop = (date: string, stopId: string, move: StopMove) =>
    act(date, () => api.pinStop(requireGardenId(), date, stopId, move));
  const unpin = (date: string, stopId: string) =>
    act(date, () => api.unpinStop(requireGardenId(), date, stopId));

  return {
    byWeek,
    daysByWeek,
    weekErrors,
    byDate,
    loading,
    errors,
    notPlanned,
    planAsked,
    loadWeek,
    load,
    plan,
    planning,
    approve,
    moveStop,
    unpin,
  };
});

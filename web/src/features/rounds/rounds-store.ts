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
  const weekErrors = ref<Record<string, string>>({});
  const byDate = ref<Record<string, RoundView>>({});
  const loading = ref<Record<string, boolean>>({});
  const errors = ref<Record<string, string>>({});
  /** Days the API says are not planned (404): the page offers to plan them. */
  const notPlanned = ref<Record<string, true>>({});
  const latestRead = new Map<string, number>();

  function newRead(date: string): number {
    const read = (latestRead.get(date) ?? 0) + 1;
    latestRead.set(date, read);
    return read;
  }

  async function loadWeek(week: string): Promise<void> {
    await orProblem(
      async () => {
        byWeek.value[week] = (await api.listRounds(requireGardenId(), week)).rounds;
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

  const plan = (date: string) => act(date, () => api.planRound(requireGardenId(), date));
  const approve = (date: string) => act(date, () => api.approveRound(requireGardenId(), date));
  const moveStop = (date: string, stopId: string, move: StopMove) =>
    act(date, () => api.pinStop(requireGardenId(), date, stopId, move));
  const unpin = (date: string, stopId: string) =>
    act(date, () => api.unpinStop(requireGardenId(), date, stopId));

  return {
    byWeek,
    weekErrors,
    byDate,
    loading,
    errors,
    notPlanned,
    loadWeek,
    load,
    plan,
    approve,
    moveStop,
    unpin,
  };
});

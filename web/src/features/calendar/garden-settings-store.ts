import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ScheduleContext } from '../../../../domain/delivery-schedule.ts';
import * as api from './garden-settings-api.ts';
import type {
  DeliveryCalendar,
  DeliveryCalendarInput,
  GardenRules,
  GardenRulesInput,
} from './garden-settings-api.ts';
import { onConflict, orProblem } from '../../api-client/problems.ts';
import { translate } from '../../i18n/index.ts';
import { useDepotStore } from '../depots/depots-store.ts';
import { requireGardenId, useSessionStore } from '../../stores/session.ts';
import { useToastStore } from '../../stores/toasts.ts';

/** A week closed or reopened on screen, not yet saved. */
interface WeekToggle {
  week: string;
  closed: boolean;
}

function withToggle(closedWeeks: readonly string[], toggle: WeekToggle): string[] {
  const others = closedWeeks.filter((week) => week !== toggle.week);
  return (toggle.closed ? [...others, toggle.week] : others).sort();
}

function inputOf(calendar: DeliveryCalendar): DeliveryCalendarInput {
  return { seasons: calendar.seasons, closedWeeks: calendar.closedWeeks, cutoffHours: calendar.cutoffHours };
}

/**
 * The garden's delivery calendar (seasons, closed weeks, cutoff) and subscription rules: read
 * by staff screens and by the member portal, which runs the domain's rules before sending.
 *
 * Closing or reopening a week shows at once and saves in the background with the week's own
 * endpoint (no version: a change made elsewhere meanwhile is kept, not refused); a refused
 * save undoes that week only, and says why. Seasons and cutoff are saved with the version read.
 */
export const useGardenSettingsStore = defineStore('gardenSettings', () => {
  /** The calendar as last read or saved. */
  const saved = ref<DeliveryCalendar>();
  const pending = ref<WeekToggle[]>([]);
  const rules = ref<GardenRules>();
  const calendarError = ref<string>();
  const rulesError = ref<string>();
  const loadingCalendar = ref(false);
  const loadingRules = ref(false);
  /** Someone else saved the rules meanwhile: read them again before saving. */
  const rulesConflict = ref(false);
  /** Someone else saved the calendar meanwhile: read it again before saving seasons or cutoff. */
  const conflict = ref(false);
  /** The saves under way, one after the other. */
  let queue: Promise<void> | undefined;
  const saving = ref(false);

  /** The calendar as the person sees it: saved, with the weeks toggled since. */
  const calendar = computed<DeliveryCalendar | undefined>(() => {
    if (!saved.value) return undefined;
    const closedWeeks = pending.value.reduce(withToggle, saved.value.closedWeeks);
    return { ...saved.value, closedWeeks };
  });

  /** What the domain's schedule rules need, once the calendar, rules and depots are read. */
  const scheduleContext = computed<ScheduleContext | undefined>(() => {
    const depots = useDepotStore();
    if (!calendar.value || !rules.value || !depots.loaded) return undefined;
    return {
      calendar: calendar.value,
      depotWeekdays: Object.fromEntries(depots.depots.map((depot) => [depot.id, depot.deliveryWeekday])),
      absencePolicy: rules.value.absencePolicy,
      timeZone: useSessionStore().garden?.timeZone || undefined,
    };
  });

  /** Reads the calendar unless already read. Never rejects on an API error (kept in `calendarError`). */
  async function loadCalendar(options: { force?: boolean } = {}): Promise<void> {
    if (saved.value && !options.force) return;
    loadingCalendar.value = true;
    calendarError.value = undefined;
    try {
      await orProblem(
        async () => {
          saved.value = await api.getCalendar(requireGardenId());
          pending.value = [];
          conflict.value = false;
        },
        (error) => {
          calendarError.value = error.message;
        },
      );
    } finally {
      loadingCalendar.value = false;
    }
  }

  /** Reads the rules unless already read. Never rejects on an API error (kept in `rulesError`). */
  async function loadRules(options: { force?: boolean } = {}): Promise<void> {
    if (rules.value && !options.force) return;
    loadingRules.value = true;
    rulesError.value = undefined;
    try {
      await orProblem(
        async () => {
          rules.value = await api.getRules(requireGardenId());
          rulesConflict.value = false;
        },
        (error) => {
          rulesError.value = error.message;
        },
      );
    } finally {
      loadingRules.value = false;
    }
  }

  /**
   * Saves every rule (garden administrators) over `version`, the one the form was filled from.
   * Absences already noted keep their outcome. Throws the ApiError for the form (409: `rulesConflict`).
   */
  async function saveRules(input: GardenRulesInput, version = rules.value?.version): Promise<GardenRules> {
    if (version === undefined) throw new Error('The rules have not been read.');
    return onConflict(
      async () => {
        rules.value = await api.saveRules(requireGardenId(), input, version);
        rulesConflict.value = false;
        return rules.value;
      },
      () => {
        rulesConflict.value = true;
      },
    );
  }

  function isClosed(week: string): boolean {
    return calendar.value?.closedWeeks.includes(week) ?? false;
  }

  /**
   * Saves the toggles one after the other, until none is left. Each answer is the calendar as
   * it stands (with what others changed meanwhile); one after the other, so that an older
   * answer never replaces a newer one.
   */
  async function drain(): Promise<void> {
    saving.value = true;
    try {
      for (let toggle = pending.value[0]; toggle && saved.value; toggle = pending.value[0]) {
        await orProblem(
          async () => {
            saved.value = await api.setWeekClosed(requireGardenId(), toggle.week, toggle.closed);
            pending.value = pending.value.slice(1);
            useToastStore().success(
              translate(toggle.closed ? 'calendar.weekClosed' : 'calendar.weekReopened', {
                week: Number(toggle.week.slice(6)),
              }),
            );
          },
          (error) => {
            pending.value = pending.value.slice(1);
            useToastStore().error(error.message);
          },
        );
      }
    } finally {
      saving.value = false;
    }
  }

  /** Closes or reopens a week: shown at once, saved right after. */
  function setWeekClosed(week: string, closed: boolean): Promise<void> {
    if (!saved.value || isClosed(week) === closed) return queue ?? Promise.resolve();
    pending.value = [...pending.value, { week, closed }];
    queue ??= drain().finally(() => {
      queue = undefined;
    });
    return queue;
  }

  /** Saves seasons and cutoff (the closed weeks as they are). Throws the ApiError for the form. */
  async function saveCalendar(input: Pick<DeliveryCalendarInput, 'seasons' | 'cutoffHours'>) {
    await queue;
    const base = saved.value;
    if (!base) throw new Error('The calendar has not been read.');
    return onConflict(
      async () => {
        saved.value = await api.saveCalendar(requireGardenId(), { ...inputOf(base), ...input }, base.version);
        return saved.value;
      },
      () => {
        conflict.value = true;
      },
    );
  }

  return {
    saved,
    calendar,
    rules,
    calendarError,
    rulesError,
    loadingCalendar,
    loadingRules,
    conflict,
    rulesConflict,
    saving,
    scheduleContext,
    loadCalendar,
    loadRules,
    saveRules,
    isClosed,
    setWeekClosed,
    saveCalendar,
  };
});

import { defineStore } from 'pinia';
import { ref } from 'vue';
import { getCalendarLink, renewCalendarLink } from '../members/members-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/** The address a calendar app subscribes to (https), as calendar apps want it (webcal). */
export function webcalOf(url: string): string {
  return url.replace(/^https?:\/\//, 'webcal://');
}

/**
 * Each member's secret calendar address (iCal feed of their deliveries). Renewing it makes the
 * previous one stop working at once.
 */
export const useCalendarLinkStore = defineStore('calendarLinks', () => {
  const byMember = ref<Record<string, string>>({});
  const errors = ref<Record<string, string>>({});
  const busy = ref<Record<string, boolean>>({});

  async function run(memberId: string, call: () => Promise<{ url: string }>): Promise<void> {
    busy.value[memberId] = true;
    delete errors.value[memberId];
    try {
      await orProblem(
        async () => {
          byMember.value[memberId] = (await call()).url;
        },
        (error) => {
          errors.value[memberId] = error.message;
        },
      );
    } finally {
      busy.value[memberId] = false;
    }
  }

  /** Reads the address (made on the first read); never rejects on an API error. */
  function load(memberId: string): Promise<void> {
    if (byMember.value[memberId]) return Promise.resolve();
    return run(memberId, () => getCalendarLink(requireGardenId(), memberId));
  }

  function renew(memberId: string): Promise<void> {
    return run(memberId, () => renewCalendarLink(requireGardenId(), memberId));
  }

  return { byMember, errors, busy, load, renew };
});

import { defineStore } from 'pinia';
import { ref } from 'vue';
import { listNotifications, type NotificationLogEntry } from './members-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

interface MemberLog {
  entries: NotificationLogEntry[];
  nextCursor?: string;
  loading: boolean;
  error?: string;
}

/** The messages sent to each member (or skipped, and why), newest first, 20 at a time. */
export const useNotificationLogStore = defineStore('notificationLog', () => {
  const byMember = ref<Record<string, MemberLog>>({});

  const empty: MemberLog = { entries: [], loading: false };

  /** A member's log as read so far (empty before the first read). */
  function logOf(memberId: string): MemberLog {
    return byMember.value[memberId] ?? empty;
  }

  async function read(memberId: string, more: boolean): Promise<void> {
    // Changed through the store's state, so that screens follow.
    byMember.value[memberId] ??= { entries: [], loading: false };
    const log = byMember.value[memberId];
    if (log.loading) return;
    log.loading = true;
    log.error = undefined;
    try {
      await orProblem(
        async () => {
          const page = await listNotifications(
            requireGardenId(),
            memberId,
            more ? log.nextCursor : undefined,
          );
          log.entries = more ? [...log.entries, ...page.entries] : page.entries;
          log.nextCursor = page.nextCursor;
        },
        (error) => {
          log.error = error.message;
        },
      );
    } finally {
      log.loading = false;
    }
  }

  /** The newest messages; never rejects on an API error (kept in the log's `error`). */
  const load = (memberId: string) => read(memberId, false);

  /** The next older page, when there is one. */
  function loadMore(memberId: string): Promise<void> {
    if (!logOf(memberId).nextCursor) return Promise.resolve();
    return read(memberId, true);
  }

  return { byMember, logOf, load, loadMore };
});

import { ref } from 'vue';
import type { JournalActor } from '../../../../domain/journal/journal-entry.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';
import {
  downloadStaffActions,
  listStaffActions,
  type ActionLogScope,
  type StaffActionEntry,
  type StaffActionsQuery,
} from './journal-api.ts';
import { actorsOf, journalFileName } from './journal-view.ts';

/** The staff action log's filters as the page holds them: '' when not filtered. */
export interface StaffActionFilters {
  q: string;
  from: string;
  to: string;
  actorId: string;
  subjectKind: string;
}

export const noStaffActionFilters = (): StaffActionFilters => ({
  q: '',
  from: '',
  to: '',
  actorId: '',
  subjectKind: '',
});

export function staffActionsQuery(filters: StaffActionFilters): StaffActionsQuery {
  const query: StaffActionsQuery = {};
  const q = filters.q.trim();
  if (q) query.q = q;
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  if (filters.actorId) query.actorId = filters.actorId;
  if (filters.subjectKind) query.subjectKind = filters.subjectKind;
  return query;
}

/** Empty pages followed at once before showing an empty one (« Voir plus » then goes on). */
const emptyPagesFollowed = 4;

/**
 * The garden's staff action log (or the network's own, `network`), newest first, a page at a time (« Voir plus » follows the API's
 * cursor). A new filter reads from the start again; a 403 is said apart from a failure.
 */
export function useStaffActionsReading(network = false) {
  /** Read when asked: a garden's page knows its garden once signed in. */
  const scope = (): ActionLogScope => (network ? 'network' : { gardenId: requireGardenId() });
  const entries = ref<StaffActionEntry[]>([]);
  const actors = ref<JournalActor[]>([]);
  const filters = ref<StaffActionFilters>(noStaffActionFilters());
  const nextCursor = ref<string>();
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string>();
  const forbidden = ref(false);
  let reading = 0;

  async function read(more: boolean): Promise<void> {
    const mine = ++reading;
    loading.value = true;
    error.value = undefined;
    try {
      await orProblem(
        async () => {
          // The server reads a bounded number of items a call: a search few entries match may
          // answer a page with none and a cursor. Follow it a few times before showing nothing.
          const found: StaffActionEntry[] = [];
          let cursor = more ? nextCursor.value : undefined;
          for (let hop = 0; ; hop++) {
            const page = await listStaffActions(scope(), staffActionsQuery(filters.value), cursor);
            if (mine !== reading) return;
            found.push(...page.entries);
            cursor = page.nextCursor;
            if (found.length > 0 || !cursor || hop >= emptyPagesFollowed) break;
          }
          entries.value = more ? [...entries.value, ...found] : found;
          nextCursor.value = cursor;
          actors.value = actorsOf(actors.value, found);
          loaded.value = true;
        },
        (problem) => {
          if (mine !== reading) return;
          if (problem.status === 403) forbidden.value = true;
          else error.value = problem.message;
        },
      );
    } finally {
      if (mine === reading) loading.value = false;
    }
  }

  /** From the newest, with the filters as they are now. */
  const load = () => read(false);
  /** The next older page, when there is one. */
  const loadMore = () => (nextCursor.value ? read(true) : Promise.resolve());

  /** The log as a CSV with the filters shown; throws the ApiError (the button shows it). */
  async function download(): Promise<{ url: string; filename: string }> {
    const file = await downloadStaffActions(scope(), staffActionsQuery(filters.value));
    return {
      url: URL.createObjectURL(file.blob),
      filename: file.filename ?? journalFileName('actions', 'csv'),
    };
  }

  return {
    entries,
    actors,
    filters,
    nextCursor,
    loading,
    loaded,
    error,
    forbidden,
    load,
    loadMore,
    download,
  };
}

import { ref } from 'vue';
import type { JournalActor } from '../../../../domain/journal/journal-entry.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';
import {
  downloadJournal,
  getJournal,
  type ExportFormat,
  type JournalEntry,
  type JournalKind,
  type JournalProcess,
} from './journal-api.ts';
import {
  actorsOf,
  journalFileName,
  journalQuery,
  noJournalFilters,
  type JournalFilters,
} from './journal-view.ts';

/**
 * One subject's journal (a member's, a subscription's…): read with its filters, newest first.
 * A refusal (403: the garden keeps journals to its administrators) is said apart from a failure,
 * so that the tab shows a sentence rather than an error with « Réessayer ».
 */
export function useJournalReading(subject: () => { kind: JournalKind; id: string }) {
  const entries = ref<JournalEntry[]>([]);
  const processes = ref<JournalProcess[]>([]);
  const actors = ref<JournalActor[]>([]);
  const filters = ref<JournalFilters>(noJournalFilters());
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string>();
  const forbidden = ref(false);
  let reading = 0;

  async function load(): Promise<void> {
    const { kind, id } = subject();
    const mine = ++reading;
    loading.value = true;
    error.value = undefined;
    try {
      await orProblem(
        async () => {
          const answer = await getJournal(requireGardenId(), kind, id, journalQuery(filters.value));
          if (mine !== reading) return;
          entries.value = answer.entries;
          processes.value = answer.processes;
          actors.value = actorsOf(actors.value, answer.entries);
          forbidden.value = false;
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

  /** The journal as a CSV or PDF file with the filters shown; throws the ApiError (the button shows it). */
  async function download(format: ExportFormat): Promise<{ url: string; filename: string }> {
    const { kind, id } = subject();
    const file = await downloadJournal(requireGardenId(), kind, id, journalQuery(filters.value), format);
    return {
      url: URL.createObjectURL(file.blob),
      filename: file.filename ?? journalFileName(`${kind}-${id}`, format),
    };
  }

  return { entries, processes, actors, filters, loading, loaded, error, forbidden, load, download };
}

import { computed, ref, type Ref } from 'vue';
import { orProblem } from '../api-client/problems.ts';

/**
 * The state a store keeps of one of the garden's small named lists (depots, products): read
 * once per visit unless forced, concurrent callers sharing one request, sorted by name the
 * French way, and each record the API answers to a write put in the place of the one it
 * replaces. Meant for the inside of a Pinia setup store, which names the list after what it
 * holds and adds its writes.
 */
export function useNamedRecords<Named extends { id: string; name: string }>(read: () => Promise<Named[]>) {
  const records = ref([]) as Ref<Named[]>;
  const loaded = ref(false);
  const loading = ref(false);
  /** The last failure's sentence (already shown in a toast). */
  const error = ref<string>();
  let inFlight: Promise<void> | undefined;

  const sorted = computed(() => [...records.value].sort((a, b) => a.name.localeCompare(b.name, 'fr')));
  const byId = computed(() => new Map(records.value.map((record) => [record.id, record])));

  /** Reads the list unless already read; never rejects on an API error (kept in `error`). */
  function load(options: { force?: boolean } = {}): Promise<void> {
    if (loaded.value && !options.force) return Promise.resolve();
    inFlight ??= (async () => {
      loading.value = true;
      error.value = undefined;
      try {
        await orProblem(
          async () => {
            records.value = await read();
            loaded.value = true;
          },
          (failure) => {
            error.value = failure.message;
          },
        );
      } finally {
        loading.value = false;
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  /** Keeps the record the API answered, in the place of the one it replaces. */
  function remember(record: Named): Named {
    records.value = [...records.value.filter((known) => known.id !== record.id), record];
    return record;
  }

  return { records, sorted, byId, loaded, loading, error, load, remember };
}

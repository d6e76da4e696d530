import { ref } from 'vue';
import { onConflict, orProblem } from '../api-client/problems.ts';
import { requireGardenId } from './session.ts';

/**
 * The state a store keeps of one of the garden's settings read and saved whole with its
 * version (the fleet, the pricing, the contact): read once per visit unless forced, saved over
 * the version the form was filled from, and a colleague's save meanwhile said by `conflict`
 * (read it again before saving). Meant for the inside of a Pinia setup store, which names the
 * settings after what they hold and adds its other writes.
 */
export function useVersionedSettings<Settings extends { version: number }, Input>(
  /** What they are, for the error of a save before any read ("the fleet"). */
  what: string,
  api: {
    read: (gardenId: string) => Promise<Settings>;
    write: (gardenId: string, input: Input, version: number) => Promise<Settings>;
    /** Whose settings: the signed-in garden's unless told (the network's own, say). */
    owner?: () => string;
  },
) {
  const owner = api.owner ?? requireGardenId;
  const settings = ref<Settings>();
  const loading = ref(false);
  /** The last read's failure, in words. */
  const error = ref<string>();
  const conflict = ref(false);

  /** Reads them unless already read. Never rejects on an API error (kept in `error`). */
  async function load(options: { force?: boolean } = {}): Promise<void> {
    if (settings.value && !options.force) return;
    loading.value = true;
    error.value = undefined;
    try {
      await orProblem(
        async () => {
          settings.value = await api.read(owner());
          conflict.value = false;
        },
        (failure) => {
          error.value = failure.message;
        },
      );
    } finally {
      loading.value = false;
    }
  }

  /**
   * Saves over `version`, the one the form was filled from (the last read by default).
   * Throws the ApiError for the form (409: `conflict`).
   */
  async function save(input: Input, version = settings.value?.version): Promise<Settings> {
    if (version === undefined) throw new Error(`${what} has not been read.`);
    return onConflict(
      async () => {
        settings.value = await api.write(owner(), input, version);
        conflict.value = false;
        return settings.value;
      },
      () => {
        conflict.value = true;
      },
    );
  }

  return { settings, loading, error, conflict, load, save };
}

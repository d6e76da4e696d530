import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Depot, DepotInput } from '../../../../domain/depot.ts';
import * as api from './depots-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/** The garden's pick-up points (and home-delivery rounds): few and rarely changed, read once per visit. */
export const useDepotStore = defineStore('depots', () => {
  const depots = ref<Depot[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  /** The last failure's sentence (already shown in a toast). */
  const error = ref<string>();
  let inFlight: Promise<void> | undefined;

  const sorted = computed(() => [...depots.value].sort((a, b) => a.name.localeCompare(b.name, 'fr')));
  const byId = computed(() => new Map(depots.value.map((depot) => [depot.id, depot])));

  /** Reads the depots unless already read; concurrent callers share one request. Never rejects on an API error. */
  function load(options: { force?: boolean } = {}): Promise<void> {
    if (loaded.value && !options.force) return Promise.resolve();
    inFlight ??= (async () => {
      loading.value = true;
      error.value = undefined;
      try {
        await orProblem(
          async () => {
            depots.value = await api.listDepots(requireGardenId());
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

  function remember(depot: Depot): Depot {
    const others = depots.value.filter((known) => known.id !== depot.id);
    depots.value = [...others, depot];
    return depot;
  }

  /** Adds a depot; throws the ApiError for the form to show beside its fields. */
  async function create(input: DepotInput): Promise<Depot> {
    return remember(await api.createDepot(requireGardenId(), input));
  }

  /** Changes a depot from the `version` read; throws the ApiError (409: changed meanwhile). */
  async function update(depotId: string, input: DepotInput, version: number): Promise<Depot> {
    return remember(await api.updateDepot(requireGardenId(), depotId, input, version));
  }

  return { depots, sorted, byId, loaded, loading, error, load, create, update };
});

import { defineStore } from 'pinia';
import type { Depot, DepotInput } from '../../../../domain/depot.ts';
import * as api from './depots-api.ts';
import { useNamedRecords } from '../../stores/named-records.ts';
import { requireGardenId } from '../../stores/session.ts';

/** The garden's pick-up points (and home-delivery rounds): few and rarely changed, read once per visit. */
export const useDepotStore = defineStore('depots', () => {
  const { records: depots, remember, ...list } = useNamedRecords(() => api.listDepots(requireGardenId()));

  /** Adds a depot; throws the ApiError for the form to show beside its fields. */
  async function create(input: DepotInput): Promise<Depot> {
    return remember(await api.createDepot(requireGardenId(), input));
  }

  /** Changes a depot from the `version` read; throws the ApiError (409: changed meanwhile). */
  async function update(depotId: string, input: DepotInput, version: number): Promise<Depot> {
    return remember(await api.updateDepot(requireGardenId(), depotId, input, version));
  }

  return { depots, ...list, create, update };
});

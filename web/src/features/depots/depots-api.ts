import type { Depot, DepotInput } from '../../../../domain/depot.ts';
import { request } from '../../api-client/request.ts';

export type { Depot, DepotInput };

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;

export const listDepots = (gardenId: string) => request<Depot[]>('GET', `${garden(gardenId)}/depots`);

/** The form shows the refusal beside its fields: no toast. */
export const createDepot = (gardenId: string, input: DepotInput) =>
  request<Depot>('POST', `${garden(gardenId)}/depots`, { body: input, toast: false });

/** `version` is the one read: a change made meanwhile answers 409. */
export const updateDepot = (gardenId: string, depotId: string, input: DepotInput, version: number) =>
  request<Depot>('PUT', `${garden(gardenId)}/depots/${encodeURIComponent(depotId)}`, {
    body: { ...input, version },
    toast: false,
  });

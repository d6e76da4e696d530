import type { Fleet, FleetInput } from '../../../../domain/rounds/fleet.ts';
import { request } from '../../api-client/request.ts';

export type { Fleet, FleetInput };

const fleet = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/fleet`;

/** The page says itself what failed: no toasts from these calls. */
export const getFleet = (gardenId: string) => request<Fleet>('GET', fleet(gardenId), { toast: false });

/** `version` is the one read: a change made meanwhile by someone else answers 409. */
export const saveFleet = (gardenId: string, input: FleetInput, version: number) =>
  request<Fleet>('PUT', fleet(gardenId), { body: { ...input, version }, toast: false });

/** Stores the Circuit API key; the answer shows only its last four characters. */
export const saveCircuitKey = (gardenId: string, key: string, webhookSecret?: string) =>
  request<Fleet>('PUT', `${fleet(gardenId)}/circuit-key`, {
    body: { key, ...(webhookSecret ? { webhookSecret } : {}) },
    toast: false,
  });

export const removeCircuitKey = (gardenId: string) =>
  request<Fleet>('DELETE', `${fleet(gardenId)}/circuit-key`, { toast: false });

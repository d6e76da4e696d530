import type { GardenContact, GardenContactInput } from '../../../../domain/garden-contact.ts';
import { request } from '../../api-client/request.ts';

export type { GardenContact, GardenContactInput };

const contactPath = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/contact`;

/** How members reach the team and pay without a card: every role of the garden reads it. */
export const getContact = (gardenId: string) =>
  request<GardenContact>('GET', contactPath(gardenId), { toast: false });

/** Garden administrators; `version` is the one read: a change made meanwhile answers 409. */
export const saveContact = (gardenId: string, input: GardenContactInput, version: number) =>
  request<GardenContact>('PUT', contactPath(gardenId), { body: { ...input, version }, toast: false });

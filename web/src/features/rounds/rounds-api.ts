import type { RoundSummary, RoundView } from '../../../../domain/rounds/views.ts';
import { request, requestBlob } from '../../api-client/request.ts';

export type { RoundSummary, RoundView };

/** Where a stop goes when staff move it: a vehicle, and first or last on it (or where it fits best). */
export interface StopMove {
  vehicleId: string;
  position?: 'first' | 'last';
}

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;
const one = (gardenId: string, date: string) => `${garden(gardenId)}/rounds/${encodeURIComponent(date)}`;

/** The week's rounds (one per delivery day planned), and the days that have baskets to deliver. */
export const listRounds = (gardenId: string, week: string) =>
  request<{ rounds: RoundSummary[]; days?: string[] }>('GET', `${garden(gardenId)}/rounds`, {
    query: { week },
    toast: false,
  });

/** A day's round; 404 when it was not planned. */
export const getRound = (gardenId: string, date: string) =>
  request<RoundView>('GET', one(gardenId, date), { toast: false });

/** Plans the day (or plans it again with the latest baskets): 202, the plan follows in a moment. */
export const planRound = (gardenId: string, date: string) =>
  request<{ started: boolean }>('POST', `${one(gardenId, date)}/plan`, { toast: false });

/** « Valider et envoyer aux chauffeurs »: 409 with the reason when it does not await approval. */
/** Approves the plan staff looked at (`revision`): refused, with why, when planned again since. */
export const approveRound = (gardenId: string, date: string, revision: number) =>
  request<RoundView>('POST', `${one(gardenId, date)}/approve`, { query: { revision }, toast: false });

/** Pins a stop to a vehicle (first or last on it); the answer is re-optimised. */
export const pinStop = (gardenId: string, date: string, stopId: string, move: StopMove) =>
  request<RoundView>('PUT', `${one(gardenId, date)}/pins/${encodeURIComponent(stopId)}`, {
    body: move,
    toast: false,
  });

export const unpinStop = (gardenId: string, date: string, stopId: string) =>
  request<RoundView>('DELETE', `${one(gardenId, date)}/pins/${encodeURIComponent(stopId)}`, { toast: false });

/** A driver's proof photo, as a blob for an object URL (the API wants the bearer token). */
export const getRoundPhoto = (gardenId: string, date: string, photoId: string) =>
  requestBlob(`${one(gardenId, date)}/photos/${encodeURIComponent(photoId)}`, {
    accept: 'image/jpeg',
    toast: false,
  });

import type { NotDeliveredReason, StopMark } from '../../../../domain/rounds/round.ts';
import type { DriverRoundSummary, DriverRouteView } from '../../../../domain/rounds/views.ts';
import { request, requestBlob } from '../../api-client/request.ts';

export type { DriverRoundSummary, DriverRouteView, StopMark };

/** A mark as the phone sends it: its id is made on the phone, so a mark sent twice is applied once. */
export interface MarkInput {
  markId: string;
  stopId: string;
  outcome: 'delivered' | 'not-delivered';
  reason?: NotDeliveredReason;
  comment?: string;
  photoKey?: string;
  markedAt: string;
}

const rounds = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/driver/rounds`;
const one = (gardenId: string, date: string) => `${rounds(gardenId)}/${encodeURIComponent(date)}`;

/** The driver's rounds today and next (distributed only). */
export const listDriverRounds = (gardenId: string) =>
  request<{ rounds: DriverRoundSummary[] }>('GET', rounds(gardenId), { toast: false });

export const getDriverRoute = (gardenId: string, date: string) =>
  request<DriverRouteView>('GET', one(gardenId, date), { toast: false });

/** Sends one mark; the queue shows what fails, so no toast. */
export const sendMark = (gardenId: string, date: string, mark: MarkInput) =>
  request<{ mark: StopMark; duplicate: boolean }>('POST', `${one(gardenId, date)}/marks`, {
    body: mark,
    toast: false,
  });

/** Uploads a proof photo (JPEG, at most 3 MB) under the id made on the phone: sent twice, kept once. */
export const sendPhoto = (gardenId: string, date: string, photoId: string, photo: Blob) =>
  request<{ photoKey: string }>('PUT', `${one(gardenId, date)}/photos/${encodeURIComponent(photoId)}`, {
    body: photo,
    toast: false,
  });

/** The route as a GPX 1.1 file, for GPS apps. */
export const getRouteGpx = (gardenId: string, date: string) =>
  requestBlob(`${one(gardenId, date)}/route.gpx`, { accept: 'application/gpx+xml' });

import type { DeliveryCalendar, DeliveryCalendarInput } from '../../../domain/delivery-calendar.ts';
import type { GardenRules } from '../../../domain/garden-rules.ts';
import { request } from './request.ts';

export type { DeliveryCalendar, DeliveryCalendarInput, GardenRules };

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;

export const getCalendar = (gardenId: string) =>
  request<DeliveryCalendar>('GET', `${garden(gardenId)}/calendar`, { toast: false });

/** `version` is the one read: a change made meanwhile by someone else answers 409. */
export const saveCalendar = (gardenId: string, input: DeliveryCalendarInput, version: number) =>
  request<DeliveryCalendar>('PUT', `${garden(gardenId)}/calendar`, {
    body: { ...input, version },
    toast: false,
  });

export const getRules = (gardenId: string) =>
  request<GardenRules>('GET', `${garden(gardenId)}/rules`, { toast: false });

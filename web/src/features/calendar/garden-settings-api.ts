import type { DeliveryCalendar, DeliveryCalendarInput } from '../../../../domain/delivery-calendar.ts';
import type { GardenRules, GardenRulesInput } from '../../../../domain/garden-rules.ts';
import { request } from '../../api-client/request.ts';

export type { DeliveryCalendar, DeliveryCalendarInput, GardenRules, GardenRulesInput };

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;

export const getCalendar = (gardenId: string) =>
  request<DeliveryCalendar>('GET', `${garden(gardenId)}/calendar`, { toast: false });

/** `version` is the one read: a change made meanwhile by someone else answers 409. */
export const saveCalendar = (gardenId: string, input: DeliveryCalendarInput, version: number) =>
  request<DeliveryCalendar>('PUT', `${garden(gardenId)}/calendar`, {
    body: { ...input, version },
    toast: false,
  });

/**
 * Closes or reopens one week, whatever else changed in the calendar meanwhile (no version):
 * the answer is the calendar as it now stands. The store says the outcome itself: no toast.
 */
export const setWeekClosed = (gardenId: string, week: string, closed: boolean) =>
  request<DeliveryCalendar>(
    closed ? 'PUT' : 'DELETE',
    `${garden(gardenId)}/calendar/closed-weeks/${encodeURIComponent(week)}`,
    { toast: false },
  );

export const getRules = (gardenId: string) =>
  request<GardenRules>('GET', `${garden(gardenId)}/rules`, { toast: false });

/** `version` is the one read: a change made meanwhile by someone else answers 409 (garden admins). */
export const saveRules = (gardenId: string, input: GardenRulesInput, version: number) =>
  request<GardenRules>('PUT', `${garden(gardenId)}/rules`, { body: { ...input, version }, toast: false });

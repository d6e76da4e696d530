import type { Locale } from '../../../../domain/locale.ts';
import type { ContactPreferences, Member, MemberInput } from '../../../../domain/member.ts';
import type {
  NotificationChannel,
  NotificationKind,
  NotificationStatus,
} from '../../../../domain/notifications.ts';
import type { MemberPage } from '../../../../domain/views.ts';
import { request } from '../../api-client/request.ts';

export type { MemberPage };

export interface MemberQuery {
  search?: string;
  /** Where the household stands (active, paused, pending, former, none). */
  status?: string;
  depotId?: string;
  limit: number;
  cursor?: string;
}

const base = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/members`;

export const listMembers = (gardenId: string, query: MemberQuery, signal?: AbortSignal) =>
  request<MemberPage>('GET', base(gardenId), {
    query: {
      search: query.search,
      status: query.status,
      depotId: query.depotId,
      limit: query.limit,
      cursor: query.cursor,
    },
    ...(signal ? { signal } : {}),
  });

export const getMember = (gardenId: string, memberId: string) =>
  request<Member>('GET', `${base(gardenId)}/${encodeURIComponent(memberId)}`);

/** Errors are shown by the form, beside each field: no toast. */
export const createMember = (gardenId: string, input: MemberInput) =>
  request<Member>('POST', base(gardenId), { body: input, toast: false });

export const updateMember = (gardenId: string, memberId: string, input: MemberInput, version: number) =>
  request<Member>('PUT', `${base(gardenId)}/${encodeURIComponent(memberId)}`, {
    body: { ...input, version },
    toast: false,
  });

export type { ContactPreferences };

/** The member's choice; a refusal (SMS without a phone) is shown beside the switches. */
export const setContactPreferences = (gardenId: string, memberId: string, preferences: ContactPreferences) =>
  request<Member>('PUT', `${base(gardenId)}/${encodeURIComponent(memberId)}/contact-preferences`, {
    body: preferences,
    toast: false,
  });

/** One message of the log: what was sent to the member (or not, and why). */
export interface NotificationLogEntry {
  kind: NotificationKind;
  subject: string;
  status: NotificationStatus;
  channels: { channel: NotificationChannel; to: string; status: string; error?: string }[];
  skippedReason?: string;
  error?: string;
  createdAt: string;
  sentAt?: string;
}

export interface NotificationLogPage {
  entries: NotificationLogEntry[];
  nextCursor?: string;
}

export const listNotifications = (gardenId: string, memberId: string, cursor?: string) =>
  request<NotificationLogPage>('GET', `${base(gardenId)}/${encodeURIComponent(memberId)}/notifications`, {
    query: { limit: 20, cursor },
    toast: false,
  });

/** The secret address of the member's delivery calendar (made on the first call). */
export const getCalendarLink = (gardenId: string, memberId: string) =>
  request<{ url: string }>('GET', `${base(gardenId)}/${encodeURIComponent(memberId)}/calendar-link`, {
    toast: false,
  });

/** A new address: the previous one stops working at once. */
export const renewCalendarLink = (gardenId: string, memberId: string) =>
  request<{ url: string }>('POST', `${base(gardenId)}/${encodeURIComponent(memberId)}/calendar-link`, {
    toast: false,
  });

export interface MapPoint {
  lat: number;
  lng: number;
}

/** Places a member's home on the map (home deliveries); the screen says a refusal itself. */
export const placeMemberHome = (gardenId: string, memberId: string, point: MapPoint) =>
  request<Member>('PUT', `${base(gardenId)}/${encodeURIComponent(memberId)}/location`, {
    body: { lat: point.lat, lng: point.lng },
    toast: false,
  });

/** The language of the garden's messages to the member; a refusal is shown beside the choice. */
export const setLanguage = (gardenId: string, memberId: string, language: Locale) =>
  request<Member>('PUT', `${base(gardenId)}/${encodeURIComponent(memberId)}/language`, {
    body: { language },
    toast: false,
  });

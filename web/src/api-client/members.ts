import type { Member, MemberInput } from '../../../domain/member.ts';
import type { MemberPage } from '../../../domain/views.ts';
import { request } from './request.ts';

export type { MemberPage };

export interface MemberQuery {
  search?: string;
  limit: number;
  cursor?: string;
}

const base = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/members`;

export const listMembers = (gardenId: string, query: MemberQuery, signal?: AbortSignal) =>
  request<MemberPage>('GET', base(gardenId), {
    query: { search: query.search, limit: query.limit, cursor: query.cursor },
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

import type { Member, MemberDetails } from '../../../../domain/member.ts';
import { request } from '../../api-client/request.ts';

/**
 * The member corrects their own details; the version is the one they read (409 when staff
 * changed the record meanwhile). Refusals are shown by the form, beside each field: no toast.
 */
export const updateMyDetails = (
  gardenId: string,
  memberId: string,
  details: MemberDetails,
  version: number,
) =>
  request<Member>(
    'PUT',
    `/gardens/${encodeURIComponent(gardenId)}/members/${encodeURIComponent(memberId)}/details`,
    { body: { ...details, version }, toast: false },
  );

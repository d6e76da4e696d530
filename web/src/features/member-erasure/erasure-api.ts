import type { ErasureBlockers, MemberErasureRecord } from '../../../../domain/member-erasure.ts';
import { request } from '../../api-client/request.ts';

/** A request as the API shows it: `none` when never asked; the blockers while staff decide. */
export type Erasure =
  | { status: 'none' }
  | (Omit<MemberErasureRecord, 'memberId' | 'acknowledgeTo' | 'acknowledgedAt'> & {
      blockers?: ErasureBlockers;
    });

const erasurePath = (gardenId: string, memberId: string) =>
  `/gardens/${encodeURIComponent(gardenId)}/members/${encodeURIComponent(memberId)}/erasure`;

/** Where the member's request stands (the member, or staff). */
export const readErasure = (gardenId: string, memberId: string) =>
  request<Erasure>('GET', erasurePath(gardenId, memberId), { toast: false });

/** Asks for the erasure (202); 409 while one is under way: said on the page. */
export const askErasure = (gardenId: string, memberId: string) =>
  request<Erasure>('POST', erasurePath(gardenId, memberId), { toast: false });

/** Staff's answer; 422 while something is outstanding, saying what. */
export const decideErasure = (
  gardenId: string,
  memberId: string,
  decision: { decision: 'confirm' } | { decision: 'refuse'; reason: string },
) =>
  request<Erasure>('POST', `${erasurePath(gardenId, memberId)}/decision`, { body: decision, toast: false });

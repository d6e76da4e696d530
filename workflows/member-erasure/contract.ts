import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { JournalActor } from '../../domain/journal/journal-entry.ts';
import type { ErasureBlockers, ErasureStatus } from '../../domain/member-erasure.ts';

/**
 * A member's erasure (RGPD article 17, `domain/member-erasure.ts`): the member asks, staff
 * confirm that nothing is outstanding (or refuse, saying why), then the member is erased
 * everywhere and told by email. One run per member at a time, on the garden's task queue.
 */
export const memberErasureType = 'memberErasure';

/** Business keys only: the garden and the member's id. */
export const memberErasureWorkflowId = ({ gardenId, memberId }: { gardenId: string; memberId: string }) =>
  `${gardenId}/member-erasure/${memberId}`;

export interface MemberErasureInput {
  gardenId: string;
  memberId: string;
}

/** Staff's answer: confirm (nothing outstanding), or refuse with the reason the member reads. */
export interface ErasureDecision {
  decision: 'confirm' | 'refuse';
  reason?: string;
  actor: JournalActor;
}

/** Where the request stands, and (while staff decide) what still stands in the way. */
export interface ErasureProgress {
  status: ErasureStatus;
  blockers?: ErasureBlockers;
}

export const decideErasureUpdate = defineUpdate<ErasureProgress, [ErasureDecision]>('decideErasure');
export const erasureProgressQuery = defineQuery<ErasureProgress>('erasureProgress');

export { erasureRefusalMaxLength as refusalMaxLength } from '../../domain/member-erasure.ts';

/** Staff are reminded once a request has waited this long: the law gives the garden a month to answer. */
export const erasureReminderDays = 20;

/** Days after the erasure the histories are purged again (`domain/member-erasure.ts`). */
export { historiesPurgedAgainAfterDays } from '../../domain/member-erasure.ts';

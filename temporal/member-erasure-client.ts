import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  decideErasureUpdate,
  erasureProgressQuery,
  memberErasureType,
  memberErasureWorkflowId,
  type ErasureDecision,
  type ErasureProgress,
} from '../workflows/member-erasure/contract.ts';
import type { memberErasure } from '../workflows/member-erasure/workflow.ts';
import { executeAction } from './updates.ts';

const notWaiting = () =>
  new CocagneError('conflict', {
    fr: 'Cette demande d’effacement n’attend plus de réponse : rechargez la page.',
    en: 'This erasure request no longer waits for an answer: reload the page.',
  });

/** Members' erasure requests (workflows/member-erasure), as the API starts and answers them. */
export function createMemberErasureCommands(client: Client) {
  const handleOf = (gardenId: string, memberId: string) =>
    client.workflow.getHandle(memberErasureWorkflowId({ gardenId, memberId }));
  return {
    /**
     * Starts the request's process; a member asking again after a refusal gets a new run under
     * the same id. The store lets one request in at a time, so a run still there is the refused
     * one finishing (its email to the member): it is waited for (a minute at most), then the new
     * one starts. Still running after that: thrown, and the API says to try again.
     */
    async start(gardenId: string, memberId: string): Promise<void> {
      const workflowId = memberErasureWorkflowId({ gardenId, memberId });
      const start = () =>
        client.workflow.start<typeof memberErasure>(memberErasureType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId,
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          args: [{ gardenId, memberId }],
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        });
      try {
        await start();
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        // However it ends (even failed): only then may the new request have its run.
        await client
          .withDeadline(Date.now() + 60_000, () => client.workflow.getHandle(workflowId).result())
          .catch(() => undefined);
        await start();
      }
    },

    /** Where the request stands now, as its process says (with what blocks it, while staff decide). */
    async progress(gardenId: string, memberId: string): Promise<ErasureProgress> {
      return handleOf(gardenId, memberId).query(erasureProgressQuery);
    },

    /** Staff's answer; refused (422, saying why) while something is outstanding. */
    async decide(gardenId: string, memberId: string, decision: ErasureDecision): Promise<ErasureProgress> {
      return executeAction(client, handleOf(gardenId, memberId), decideErasureUpdate, decision, {
        deadlineMs: 60_000,
        notRunning: notWaiting,
      });
    },
  };
}
export type MemberErasureCommands = ReturnType<typeof createMemberErasureCommands>;

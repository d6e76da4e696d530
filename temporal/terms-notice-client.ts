import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  termsNoticeType,
  termsNoticeWorkflowId,
  type TermsNoticeInput,
} from '../workflows/terms-notice/contract.ts';
import type { termsNotice } from '../workflows/terms-notice/workflow.ts';

/** Emails a garden's members about a new version of its terms (workflows/terms-notice). */
export function createTermsNoticeCommands(client: Client) {
  return {
    /**
     * Starts the emails of one page version; a version already announced is not announced
     * again (the id refuses a duplicate, and the start is then a no-op).
     */
    async announce(input: TermsNoticeInput): Promise<void> {
      try {
        await client.workflow.start<typeof termsNotice>(termsNoticeType, {
          taskQueue: gardenTaskQueue(input.gardenId),
          workflowId: termsNoticeWorkflowId(input.gardenId, input.slug, input.version),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [input],
          typedSearchAttributes: [{ key: gardenIdKey, value: input.gardenId }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
  };
}
export type TermsNoticeCommands = ReturnType<typeof createTermsNoticeCommands>;

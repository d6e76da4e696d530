import type { Client } from '@temporalio/client';
import { gardenTaskQueue } from '../domain/garden.ts';
import type { MemberDataExportRef } from '../domain/member-data-export.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  memberDataExportType,
  memberDataExportWorkflowId,
} from '../workflows/member-data-export/contract.ts';
import type { memberDataExport } from '../workflows/member-data-export/workflow.ts';

/** Members' data exports, as the API starts them. */
export function createMemberDataExportCommands(client: Client) {
  return {
    /** Starts preparing one request (its id is new: a duplicate is refused by Temporal). */
    async start(ref: MemberDataExportRef, requestedAt: string): Promise<void> {
      await client.workflow.start<typeof memberDataExport>(memberDataExportType, {
        taskQueue: gardenTaskQueue(ref.gardenId),
        workflowId: memberDataExportWorkflowId(ref),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ ...ref, requestedAt }],
        typedSearchAttributes: [{ key: gardenIdKey, value: ref.gardenId }],
      });
    },
  };
}
export type MemberDataExportCommands = ReturnType<typeof createMemberDataExportCommands>;

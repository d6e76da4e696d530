import type { Client } from '@temporalio/client';
import { waitingOn, waitingOnKey } from '../workflows/search-attributes.ts';

/** Something in a garden that waits on a person, as Temporal's visibility knows it. */
export interface WaitingItem {
  kind:
    'subscription-approval' | 'week-composition' | 'payment-decision' | 'round-approval' | 'member-erasure';
  workflowId: string;
  /** The entity the process is about: the subscription id, the ISO week, the invoice number, the round's day. */
  entityId: string;
  /** Since when the process has been running. */
  since: string;
}

const kindOf: Record<string, WaitingItem['kind']> = {
  [waitingOn.staffApproval]: 'subscription-approval',
  [waitingOn.weekComposition]: 'week-composition',
  [waitingOn.paymentDecision]: 'payment-decision',
  [waitingOn.roundApproval]: 'round-approval',
  [waitingOn.erasureDecision]: 'member-erasure',
};

/**
 * The staff inbox comes from the `WaitingOn` search attribute that workflows set while they
 * wait on a person: one query for everything, whatever the process.
 */
export function createInbox(client: Client) {
  // An extension version awaiting approval waits on the garden's admins (their extensions page), not on staff.
  const query = (gardenId: string) =>
    `GardenId = '${gardenId.replace(/'/g, '')}' AND WaitingOn IS NOT NULL AND WaitingOn != '${waitingOn.extensionApproval}' AND ExecutionStatus = 'Running'`;
  return {
    async waiting(gardenId: string): Promise<WaitingItem[]> {
      const items: WaitingItem[] = [];
      for await (const execution of client.workflow.list({ query: query(gardenId) })) {
        const waitingFor = execution.typedSearchAttributes.get(waitingOnKey);
        const kind = kindOf[String(waitingFor)];
        if (!kind) continue;
        items.push({
          kind,
          workflowId: execution.workflowId,
          entityId: execution.workflowId.split('/').slice(2).join('/'),
          since: execution.startTime.toISOString(),
        });
      }
      return items.sort((a, b) => a.since.localeCompare(b.since));
    },

    async count(gardenId: string): Promise<number> {
      const { count } = await client.workflow.count(query(gardenId));
      return count;
    },
  };
}
export type Inbox = ReturnType<typeof createInbox>;

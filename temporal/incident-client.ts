import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { CocagneError } from '../domain/errors.ts';
import { retryNowSignal } from '../workflows/incidents/contract.ts';

/** Staff's word to a stalled process: try again now. */
export function createIncidentCommands(client: Client) {
  return {
    async retryNow(workflowId: string): Promise<void> {
      try {
        await client.workflow.getHandle(workflowId).signal(retryNowSignal);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new CocagneError('refused', {
            fr: "Ce traitement est terminé : il n'y a plus rien à relancer.",
            en: 'This process has ended: there is nothing left to retry.',
          });
        }
        throw error;
      }
    },
  };
}
export type IncidentCommands = ReturnType<typeof createIncidentCommands>;

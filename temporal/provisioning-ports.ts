import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { GardenSchedulesPort, GardenWorkflowsPort } from '../activities/provisioning/ports.ts';
import type { Store } from '../adapters/store/index.ts';
import { billingScheduleId } from '../workflows/billing/contract.ts';
import { retentionScheduleId } from '../workflows/retention/contract.ts';
import { weekScheduleId } from '../workflows/week/contract.ts';
import { createBillingCommands } from './billing-client.ts';
import { createRetentionSchedules } from './retention-schedules.ts';
import { createWeekSchedules } from './week-schedules.ts';

/**
 * A garden's schedules as the seed makes them: next week's baskets, the monthly billing, and the
 * nightly retention sweep (`workflows/retention`).
 */
export function createGardenSchedulesPort(client: Client, store: Store): GardenSchedulesPort {
  const weeks = createWeekSchedules(client);
  const billing = createBillingCommands(client);
  const retention = createRetentionSchedules(client);
  return {
    async ensure(gardenId, timeZone) {
      await weeks.ensure(gardenId, await store.settings.rules(gardenId), timeZone);
      await billing.ensureSchedule(gardenId, timeZone);
      await retention.ensure(gardenId, timeZone);
      return [weekScheduleId(gardenId), billingScheduleId(gardenId), retentionScheduleId(gardenId)];
    },
    async remove(gardenId) {
      const removed: string[] = [];
      for (const scheduleId of [
        weekScheduleId(gardenId),
        billingScheduleId(gardenId),
        retentionScheduleId(gardenId),
      ]) {
        try {
          await client.schedule.getHandle(scheduleId).delete();
          removed.push(scheduleId);
        } catch (error) {
          if (!(error instanceof ScheduleNotFoundError)) throw error;
        }
      }
      return removed;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closes a garden's running workflows by their `GardenId`: cancelled (each ends as its code
 * says), waited for, and terminated only when still running after the wait. The network's
 * own workflows (creating or retiring the garden) are left alone.
 */
export function createGardenWorkflowsPort(client: Client): GardenWorkflowsPort {
  async function running(gardenId: string): Promise<string[]> {
    const ids: string[] = [];
    const query = `GardenId = '${gardenId.replace(/'/g, '')}' AND ExecutionStatus = 'Running'`;
    for await (const execution of client.workflow.list({ query })) {
      if (!execution.workflowId.startsWith('network/')) ids.push(execution.workflowId);
    }
    return ids;
  }
  return {
    async close(gardenId, waitMs) {
      const cancelled = await running(gardenId);
      for (const workflowId of cancelled) {
        await client.workflow
          .getHandle(workflowId)
          .cancel()
          .catch((error: unknown) => {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          });
      }
      const deadline = Date.now() + waitMs;
      const stillRunning = async () => {
        const left: string[] = [];
        for (const workflowId of cancelled) {
          const { status } = await client.workflow.getHandle(workflowId).describe();
          if (status.name === 'RUNNING') left.push(workflowId);
        }
        return left;
      };
      let left = await stillRunning();
      while (left.length > 0 && Date.now() < deadline) {
        await sleep(Math.min(1_000, deadline - Date.now()));
        left = await stillRunning();
      }
      for (const workflowId of left) {
        await client.workflow
          .getHandle(workflowId)
          .terminate('The garden is retired: its workflow did not end after being cancelled')
          .catch((error: unknown) => {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          });
      }
      return { cancelled: cancelled.length, terminated: left.length };
    },
  };
}

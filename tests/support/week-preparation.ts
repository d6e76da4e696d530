import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { expect } from 'vitest';
import { weekPreparationId, weekPreparationType, weekProgressQuery } from '../../workflows/week/contract.ts';
import type { weekPreparation } from '../../workflows/week/workflow.ts';

/**
 * Starts the preparation of the garden's `week` on the test worker's `taskQueue` and waits until
 * it awaits the composition: its baskets planned and counted.
 */
export async function weekAwaitingComposition(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  gardenId: string,
  week: string,
): Promise<WorkflowHandle<typeof weekPreparation>> {
  const handle = await env.client.workflow.start<typeof weekPreparation>(weekPreparationType, {
    taskQueue,
    workflowId: weekPreparationId(gardenId, week),
    args: [{ gardenId, week }],
  });
  await expect
    .poll(async () => (await handle.query(weekProgressQuery)).phase, { timeout: 20_000 })
    .toBe('awaiting-composition');
  return handle;
}

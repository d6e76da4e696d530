import type { Client } from '@temporalio/client';
import { localEnvironment } from '../infra/local/environment.ts';

/**
 * The local stack's settings for a bench, in the bench's own tables (`prefix`): the process's
 * environment wins where it sets a value, and the AWS SDK's own variables (credentials, region)
 * are put in the process's environment, where the SDK reads them.
 */
export function benchEnvironment(prefix: string): Record<string, string> {
  const env: Record<string, string> = { ...localEnvironment() };
  for (const name of Object.keys(env)) {
    const value = process.env[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  env.DYNAMODB_TABLE_PREFIX = prefix;
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('AWS_') && !process.env[name]) process.env[name] = value;
  }
  return env;
}

/** Terminates every running workflow of a bench's garden (what a run leaves, or an interrupted one left). */
export async function endRunningWorkflows(client: Client, gardenId: string, reason: string): Promise<void> {
  for await (const execution of client.workflow.list({
    query: `GardenId = '${gardenId}' AND ExecutionStatus = 'Running'`,
  })) {
    await client.workflow
      .getHandle(execution.workflowId)
      .terminate(reason)
      .catch(() => undefined);
  }
}

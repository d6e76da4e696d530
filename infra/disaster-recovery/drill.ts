import { performance } from 'node:perf_hooks';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { createGardenBlobs, gardenPrefix } from '../../activities/provisioning/garden-configuration.ts';
import type { Store } from '../../adapters/store/index.ts';
import { createGardenSchedulesPort } from '../../temporal/provisioning-ports.ts';
import { isGardenControlItem, isGardenItem, type GardenCopy } from './garden-restore.ts';
import { batchWrite, writeTableExport, type DynamoItem } from './table-export.ts';

/**
 * The restore drill's two other halves, for a local stack: the copy production keeps anyway
 * (`copyGarden`: the replica of the garden's objects and an export of each table), and the
 * disaster itself (`loseGarden`: everything of the garden gone from DynamoDB, S3 and Temporal,
 * its histories included). `restoreGarden` (garden-restore.ts) then brings it back.
 */

export interface DrillStack {
  db: DynamoDBClient;
  store: Store;
  s3: S3Client;
  bucket: string;
  client: Client;
}

/**
 * Copies the garden's objects under `prefix` (as replication copies them to the replica bucket)
 * and exports both tables there. Production exports whole tables; the drill keeps only the
 * garden's items, so a shared local stack (the tests') is not copied each time.
 */
export async function copyGarden(stack: DrillStack, gardenId: string, prefix: string): Promise<GardenCopy> {
  const blobs = createGardenBlobs(stack.s3, stack.bucket);
  const keys = await blobs.keysUnder(gardenPrefix(gardenId));
  for (let index = 0; index < keys.length; index += 8) {
    await Promise.all(
      keys.slice(index, index + 8).map((key) =>
        stack.s3.send(
          new CopyObjectCommand({
            Bucket: stack.bucket,
            Key: `${prefix}${key}`,
            CopySource: `${stack.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
          }),
        ),
      ),
    );
  }
  const gardens = await writeTableExport({
    db: stack.db,
    tableName: stack.store.tables.gardens,
    s3: stack.s3,
    bucket: stack.bucket,
    prefix: `${prefix}exports/gardens`,
    keep: isGardenItem(gardenId),
  });
  const control = await writeTableExport({
    db: stack.db,
    tableName: stack.store.tables.control,
    s3: stack.s3,
    bucket: stack.bucket,
    prefix: `${prefix}exports/control`,
    keep: isGardenControlItem(gardenId),
  });
  return {
    s3: stack.s3,
    bucket: stack.bucket,
    objectsPrefix: prefix,
    exports: { gardens: gardens.summaryKey, control: control.summaryKey },
  };
}

async function gardenKeys(db: DynamoDBClient, table: string, keep: (item: DynamoItem) => boolean) {
  const keys: DynamoItem[] = [];
  let start: DynamoItem | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        ExclusiveStartKey: start,
        ProjectionExpression: 'pk, sk, gardenId',
      }),
    );
    for (const item of page.Items ?? []) {
      if (keep(item) && item.pk && item.sk) keys.push({ pk: item.pk, sk: item.sk });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return keys;
}

function deleteKeys(db: DynamoDBClient, table: string, keys: DynamoItem[]): Promise<void> {
  return batchWrite(
    db,
    table,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
  );
}

/**
 * The disaster, for one garden: its workflows terminated and their histories deleted, its
 * schedules deleted, its items and objects gone. Returns what went.
 */
export async function loseGarden(stack: DrillStack, gardenId: string) {
  const start = performance.now();
  const service = stack.client.workflowService;
  const namespace = stack.client.options.namespace;
  const query = `GardenId = '${gardenId.replace(/'/g, '')}'`;
  const executions: Array<{ workflowId: string; runId: string; running: boolean }> = [];
  for await (const execution of stack.client.workflow.list({ query })) {
    if (execution.workflowId.startsWith('network/')) continue;
    executions.push({
      workflowId: execution.workflowId,
      runId: execution.runId,
      running: execution.status.name === 'RUNNING',
    });
  }
  for (const execution of executions) {
    if (execution.running) {
      await stack.client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .terminate('restore drill: the garden is lost')
        .catch(() => undefined);
    }
    await service
      .deleteWorkflowExecution({
        namespace,
        workflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
      })
      .catch(() => undefined);
  }
  const schedules = await createGardenSchedulesPort(stack.client, stack.store).remove(gardenId);
  // Deleting a history is asynchronous in Temporal (tens of seconds on the dev server): the
  // restore does not wait for it, as it starts a process again even beside a closed run.
  const gardensKeys = await gardenKeys(stack.db, stack.store.tables.gardens, isGardenItem(gardenId));
  await deleteKeys(stack.db, stack.store.tables.gardens, gardensKeys);
  const controlKeys = await gardenKeys(stack.db, stack.store.tables.control, isGardenControlItem(gardenId));
  await deleteKeys(stack.db, stack.store.tables.control, controlKeys);
  const objects = await createGardenBlobs(stack.s3, stack.bucket).deleteGarden(gardenId);
  return {
    workflows: executions.length,
    schedules: schedules.length,
    items: gardensKeys.length + controlKeys.length,
    objects,
    seconds: Math.round((performance.now() - start) / 10) / 100,
  };
}

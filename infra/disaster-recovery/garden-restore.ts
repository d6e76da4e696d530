import { performance } from 'node:perf_hooks';
import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import {
  createGardenBlobs,
  gardenConfigurationSchemaVersion,
  gardenPrefix,
  restoreGardenSettings,
  type GardenConfiguration,
} from '../../activities/provisioning/garden-configuration.ts';
import { configurationKey } from '../../adapters/store/extension-modules.ts';
import type { Store } from '../../adapters/store/index.ts';
import { gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { gardenStateOf, gardenTaskQueue } from '../../domain/garden.ts';
import { outstanding } from '../../domain/invoices.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { finalStatuses, type Subscription } from '../../domain/subscription.ts';
import { createGardenSchedulesPort } from '../../temporal/provisioning-ports.ts';
import {
  invoicePaymentId,
  invoicePaymentType,
  type InvoicePaymentInput,
} from '../../workflows/payment/contract.ts';
import { deliveryWeekKey, gardenIdKey, subscriptionStatusKey } from '../../workflows/search-attributes.ts';
import {
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from '../../workflows/subscription/contract.ts';
import {
  weekPreparationId,
  weekPreparationType,
  type WeekPreparationInput,
} from '../../workflows/week/contract.ts';
import { batchWrite, readTableExport, type DynamoItem } from './table-export.ts';

/**
 * Rebuilds one garden, from its copy in S3, into a stack that does not have it: a region lost, a
 * stack made again. The copy is what production keeps anyway:
 * - the garden's objects under `<garden>/` (documents, invoices, extensions, exports, and its
 *   configuration JSON `<garden>/configuration.json`), in the replica bucket;
 * - a DynamoDB export of each table (`table-export.ts`: DynamoDB's own export format), from
 *   which only the garden's items are taken.
 *
 * Then its processes start again from the data: Temporal's history is gone in this scenario,
 * so each workflow starts anew from what the records say (see `workflowsNotRestarted`).
 */

/** The garden's items in the gardens table: its partition and its `<garden>#…` partitions. */
export function isGardenItem(gardenId: string) {
  return (item: DynamoItem) => {
    const pk = item.pk?.S;
    return pk === gardenId || (pk !== undefined && pk.startsWith(`${gardenId}#`));
  };
}

const registryPartition = 'GARDEN';

/** Its items in the control table: its registry record, its extensions' records, its members' calendar-feed lookups. */
export function isGardenControlItem(gardenId: string) {
  return (item: DynamoItem) => {
    const pk = item.pk?.S;
    if (pk === registryPartition) return item.sk?.S === gardenId;
    if (pk === `EXTENSIONS#${gardenId}`) return true;
    return pk === 'ICAL' && item.gardenId?.S === gardenId;
  };
}

/** What the restore cannot bring back, said in its report (and in infra/aws/README.md). */
export const workflowsNotRestarted = [
  'the workflow histories (the audit trail of each step: the staff action log, in DynamoDB, is restored)',
  'a payment collection’s attempts so far: it starts again at its first attempt (same idempotency key, so Stripe answers an attempt it already saw with the same PaymentIntent for 24 hours)',
  'a week’s composition approval: staff approve it again (the week’s baskets and documents are restored)',
  'a round’s approval and its stops marked delivered since its last record: the week starts its rounds again',
  'a member data export, an erasure or a garden operation in progress: staff ask for it again',
];

export interface GardenCopy {
  s3: S3Client;
  bucket: string;
  /** Where the garden's objects are in that bucket: `<objectsPrefix><garden>/…` ('' in a replica bucket). */
  objectsPrefix: string;
  /** The `manifest-summary.json` key of each table's export, in the same bucket. */
  exports: { gardens: string; control: string };
}

export interface RestoreTarget {
  db: DynamoDBClient;
  store: Store;
  s3: S3Client;
  bucket: string;
  client: Client;
}

export interface RestoreReport {
  gardenId: string;
  items: { gardens: number; control: number };
  /** Items by their `entity`, for the operator to compare with what they expect. */
  entities: Record<string, number>;
  objects: number;
  schedules: string[];
  workflows: { subscriptions: number; payments: number; weeks: number; alreadyRunning: number };
  /** Seconds each step took. */
  seconds: Record<'configuration' | 'items' | 'objects' | 'registry' | 'workflows' | 'total', number>;
  notRestored: string[];
}

export type RestoreStep = keyof RestoreReport['seconds'];

/** A run of `concurrency` at a time over `values`. */
async function eachLimited<T>(values: readonly T[], concurrency: number, run: (value: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, values.length) }, async () => {
      while (next < values.length) {
        const value = values[next++] as T;
        await run(value);
      }
    }),
  );
}

function putItems(db: DynamoDBClient, table: string, items: DynamoItem[]): Promise<void> {
  return batchWrite(
    db,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

/**
 * Whether `copy` can bring `gardenId` back, read before anything is written or deleted: its
 * exports must be readable (their checksums right) and hold the garden's items with its registry
 * record, or else its configuration JSON must be whole (schema `gardenConfigurationSchemaVersion`)
 * to register it from. A configuration JSON with only the extensions (an activation writes them
 * there, even before the rest) is enough with the registry record: the settings are in the
 * export. Says what it found, or throws why the copy cannot do.
 */
export async function checkCopy(
  gardenId: string,
  copy: GardenCopy,
): Promise<{ configuration: GardenConfiguration | undefined; summary: string }> {
  const key = `${copy.objectsPrefix}${configurationKey(gardenId)}`;
  const found = await createGardenBlobs(copy.s3, copy.bucket).readJson<Partial<GardenConfiguration>>(key);
  if (found && found.gardenId !== gardenId)
    throw new Error(`s3://${copy.bucket}/${key} is the configuration of ${String(found.gardenId)}`);
  if (found?.schemaVersion !== undefined && found.schemaVersion !== gardenConfigurationSchemaVersion) {
    throw new Error(
      `The configuration of ${gardenId} has schema version ${found.schemaVersion}; this code reads ${gardenConfigurationSchemaVersion}`,
    );
  }
  const whole =
    found?.schemaVersion === gardenConfigurationSchemaVersion ? (found as GardenConfiguration) : undefined;
  let registered = false;
  let items = 0;
  for (const [summaryKey, keep] of [
    [copy.exports.control, isGardenControlItem(gardenId)],
    [copy.exports.gardens, isGardenItem(gardenId)],
  ] as const) {
    for await (const item of readTableExport({ s3: copy.s3, bucket: copy.bucket, summaryKey, keep })) {
      if (summaryKey === copy.exports.control && item.pk?.S === registryPartition) registered = true;
      items += 1;
    }
  }
  if (items === 0) throw new Error(`The exports hold nothing of ${gardenId}: not a copy of this garden`);
  if (!registered && !whole) {
    throw new Error(
      `The copy of ${gardenId} cannot bring it back: no registry record in the control table's export, and ${found ? 'a configuration JSON without its settings' : 'no configuration JSON'} at s3://${copy.bucket}/${key}`,
    );
  }
  const said = whole
    ? `configuration of ${whole.savedAt} (schema ${whole.schemaVersion})`
    : `configuration JSON ${found ? 'with its extensions only' : 'absent'}, settings from the export`;
  return { configuration: whole, summary: `${items} items in the exports, ${said}` };
}

/**
 * Restores `gardenId` from `copy` into `target`. Refused when the target already has the garden,
 * unless an earlier run of this same restore registered it: its items and objects were all in
 * place then (the registry record is written after them), and its workflows may be running and
 * changing records since, so a second run only starts the processes not running yet. A run
 * stopped before that point starts over: nothing of the garden could have changed its items.
 * `progress` hears each step as it ends, with counts.
 */
export async function restoreGarden(
  gardenId: string,
  copy: GardenCopy,
  target: RestoreTarget,
  options: { now?: () => Date; progress?: (line: string) => void } = {},
): Promise<RestoreReport> {
  const now = options.now ?? (() => new Date());
  const say = options.progress ?? (() => undefined);
  const seconds = {} as RestoreReport['seconds'];
  const began = performance.now();
  async function step<T>(name: RestoreStep, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await run();
    seconds[name] = Math.round((performance.now() - start) / 10) / 100;
    return result;
  }
  const restoredFrom = copy.exports.gardens;

  // 1. What the copy holds of the garden (checked before anything is written), and whether an
  //    earlier run of this restore registered it already.
  const configuration = await step('configuration', async () => {
    const copied = await checkCopy(gardenId, copy);
    const existing = await target.db.send(
      new GetItemCommand({
        TableName: target.store.tables.control,
        Key: { pk: { S: registryPartition }, sk: { S: gardenId } },
        ConsistentRead: true,
      }),
    );
    if (existing.Item && existing.Item.restoredFrom?.S !== restoredFrom) {
      throw new Error(
        `The garden ${gardenId} already exists in the target stack: a restore writes only into a stack without it (delete it first, or restore elsewhere)`,
      );
    }
    say(`${gardenId}: ${copied.summary}${existing.Item ? ', resuming an earlier run' : ''}`);
    return { found: copied.configuration, resuming: existing.Item !== undefined };
  });
  const resuming = configuration.resuming;

  // 2. The garden's items, from each table's export; the registry record last of all.
  const entities: Record<string, number> = {};
  let registryItem: DynamoItem | undefined;
  let sawSettings = false;
  const items = await step('items', async () => {
    const counts = { gardens: 0, control: 0 };
    if (resuming) return counts;
    for (const table of ['gardens', 'control'] as const) {
      const keep = table === 'gardens' ? isGardenItem(gardenId) : isGardenControlItem(gardenId);
      const tableName = target.store.tables[table];
      let batch: DynamoItem[] = [];
      for await (const item of readTableExport({
        s3: copy.s3,
        bucket: copy.bucket,
        summaryKey: copy.exports[table],
        keep,
      })) {
        if (table === 'control' && item.pk?.S === registryPartition) {
          registryItem = item;
          continue;
        }
        if (item.sk?.S?.startsWith('SETTINGS#')) sawSettings = true;
        const entity = item.entity?.S ?? '(none)';
        entities[entity] = (entities[entity] ?? 0) + 1;
        batch.push(item);
        counts[table] += 1;
        if (batch.length >= 500) {
          await putItems(target.db, tableName, batch);
          batch = [];
          say(`${gardenId}: ${counts[table]} items of the ${table} table written`);
        }
      }
      await putItems(target.db, tableName, batch);
      say(`${gardenId}: ${counts[table]} items of the ${table} table written`);
    }
    return counts;
  });

  // 3. Its objects, from the copy's bucket into the target's.
  const objects = await step('objects', async () => {
    if (resuming) return 0;
    const source = createGardenBlobs(copy.s3, copy.bucket);
    const keys = await source.keysUnder(`${copy.objectsPrefix}${gardenPrefix(gardenId)}`);
    let copied = 0;
    await eachLimited(keys, 8, async (key) => {
      const targetKey = key.slice(copy.objectsPrefix.length);
      if (copy.bucket === target.bucket && key === targetKey) return;
      await target.s3.send(
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: targetKey,
          CopySource: `${copy.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
      copied += 1;
      if (copied % 200 === 0) say(`${gardenId}: ${copied} of ${keys.length} objects copied`);
    });
    say(`${gardenId}: ${keys.length} objects in place`);
    return keys.length;
  });

  // 4. The registry record: the garden exists again (from the export, or from its configuration).
  const garden = await step('registry', async () => {
    if (resuming) {
      // Already registered by the earlier run.
    } else if (registryItem) {
      await putItems(target.db, target.store.tables.control, [
        { ...registryItem, restoredFrom: { S: restoredFrom }, restoredAt: { S: now().toISOString() } },
      ]);
    } else {
      // No registry record in the export (a garden exported while being created): from its
      // configuration JSON, with its settings too when the export had none.
      const found = configuration.found;
      if (!found)
        throw new Error(`The copy of ${gardenId} has neither its registry record nor its configuration`);
      if (sawSettings) await target.store.gardens.register({ ...found.garden, state: 'active' });
      else await restoreGardenSettings(target.store, found);
      await target.db.send(
        new UpdateItemCommand({
          TableName: target.store.tables.control,
          Key: { pk: { S: registryPartition }, sk: { S: gardenId } },
          UpdateExpression: 'SET restoredFrom = :from, restoredAt = :at',
          ExpressionAttributeValues: { ':from': { S: restoredFrom }, ':at': { S: now().toISOString() } },
        }),
      );
    }
    const registered = await target.store.gardens.get(gardenId);
    if (!registered) throw new Error(`The registry record of ${gardenId} could not be read back`);
    say(`${gardenId}: registered (${registered.state ?? 'active'})`);
    return registered;
  });

  // 5. Its processes, started again from the records.
  const timeZone = garden.timeZone || gardenTimeZone;
  const { schedules, workflows } = await step('workflows', async () => {
    // A garden retired or being retired when the copy was taken has no process to run again.
    if (['retired', 'retiring'].includes(gardenStateOf(garden))) {
      say(`${gardenId}: ${gardenStateOf(garden)}, so no process started`);
      return { schedules: [], workflows: { subscriptions: 0, payments: 0, weeks: 0, alreadyRunning: 0 } };
    }
    const schedules = await createGardenSchedulesPort(target.client, target.store).ensure(gardenId, timeZone);
    const started = { subscriptions: 0, payments: 0, weeks: 0, alreadyRunning: 0 };
    const count = (kind: 'subscriptions' | 'payments' | 'weeks', isNew: boolean) => {
      if (isNew) started[kind] += 1;
      else started.alreadyRunning += 1;
    };

    const subscriptions = (await target.store.subscriptions.list(gardenId)).filter(
      (subscription) => !finalStatuses.includes(subscription.status),
    );
    await eachLimited(subscriptions, 16, async (subscription) => {
      count('subscriptions', await startSubscription(target.client, subscription));
    });
    say(`${gardenId}: ${subscriptions.length} subscriptions running again`);

    const open = (await target.store.invoices.list(gardenId)).filter(
      (invoice) => invoice.status === 'open' && outstanding(invoice) > 0,
    );
    await eachLimited(open, 8, async (invoice) => {
      const input: InvoicePaymentInput = {
        gardenId,
        invoiceNumber: invoice.number,
        memberId: invoice.memberId,
        ...(invoice.subscriptionId ? { subscriptionId: invoice.subscriptionId } : {}),
      };
      count(
        'payments',
        await startOnce(
          target.client,
          gardenId,
          invoicePaymentType,
          invoicePaymentId(gardenId, invoice.number),
          input,
          [{ key: gardenIdKey, value: gardenId }],
        ),
      );
    });
    say(`${gardenId}: ${open.length} open invoices being collected again`);

    const thisWeek = isoWeek(gardenDay(now(), timeZone));
    const current = (await target.store.weeks.summaries(gardenId, 12)).filter(
      (summary) => summary.week >= thisWeek,
    );
    for (const { week } of current) {
      const input: WeekPreparationInput = { gardenId, week, timeZone };
      count(
        'weeks',
        await startOnce(
          target.client,
          gardenId,
          weekPreparationType,
          weekPreparationId(gardenId, week),
          input,
          [
            { key: gardenIdKey, value: gardenId },
            { key: deliveryWeekKey, value: week },
          ],
        ),
      );
    }
    say(`${gardenId}: ${current.length} weeks in preparation again`);
    return { schedules, workflows: started };
  });

  seconds.total = Math.round((performance.now() - began) / 10) / 100;
  return {
    gardenId,
    items,
    entities,
    objects,
    schedules,
    workflows,
    seconds,
    notRestored: workflowsNotRestarted,
  };
}

/**
 * Starts a subscription's workflow from its record, as a run continuing as new would: its
 * state carried, no notice marked sent (each notice's idempotency key is the workflow id and
 * the notice's key, so one already sent is found in the notification log and not sent again).
 */
export async function startSubscription(client: Client, subscription: Subscription): Promise<boolean> {
  const { gardenId, id } = subscription;
  const input: SubscriptionWorkflowInput = {
    gardenId,
    subscriptionId: id,
    request: {
      memberId: subscription.memberId,
      basketSize: subscription.basketSize,
      frequency: subscription.frequency,
      depotId: subscription.depotId,
      startDate: subscription.startDate,
    },
    requested: subscription.requested,
    carried: { subscription, sentNotices: [] },
  };
  return startOnce(client, gardenId, subscriptionWorkflowType, subscriptionWorkflowId(gardenId, id), input, [
    { key: gardenIdKey, value: gardenId },
    { key: subscriptionStatusKey, value: subscription.status },
  ]);
}

/**
 * Starts a workflow unless it is running (then false). A closed run of the same id does not
 * stop it: when only the data was lost, Temporal still holds the runs that ended, and the
 * process must run again all the same.
 */
async function startOnce(
  client: Client,
  gardenId: string,
  workflowType: string,
  workflowId: string,
  input: unknown,
  typedSearchAttributes: SearchAttributePair[],
): Promise<boolean> {
  try {
    await client.workflow.start(workflowType, {
      taskQueue: gardenTaskQueue(gardenId),
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes,
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}

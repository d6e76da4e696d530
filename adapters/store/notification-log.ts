import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  NotificationChannelResult,
  NotificationKind,
  NotificationLogEntry,
  NotificationSkipReason,
} from '../../domain/notifications.ts';
import { deleteItems } from './batch-delete.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { TableNames } from './dynamo-client.ts';

export interface NotificationClaim {
  idempotencyKey: string;
  gardenId: string;
  memberId: string;
  kind: NotificationKind;
  subject: string;
  /** ISO instant. */
  now: string;
}

export interface ClaimResult {
  /** False when the key was claimed before: `entry` then tells what became of it. */
  claimed: boolean;
  entry: NotificationLogEntry;
}

export interface NotificationLogPage {
  entries: NotificationLogEntry[];
  nextCursor?: string | undefined;
}

const sortKey = (idempotencyKey: string) => `NOTIFICATION#${idempotencyKey}`;
const memberPartition = (gardenId: string, memberId: string) => `${gardenId}#NOTIFICATIONS#${memberId}`;

/**
 * One item per message sent (or not) to a member, keyed by the idempotency key the workflow
 * chose: claiming the key is what makes a retried activity or a replayed workflow send once.
 * Listed per member, newest first, for the staff screen.
 */
export function createNotificationLog(db: DynamoDBDocumentClient, tables: TableNames) {
  async function get(gardenId: string, idempotencyKey: string): Promise<NotificationLogEntry | undefined> {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tables.gardens,
        Key: { pk: gardenId, sk: sortKey(idempotencyKey) },
        ConsistentRead: true,
      }),
    );
    return Item ? withoutKeys<NotificationLogEntry>(Item) : undefined;
  }

  /** Sets fields of an existing entry; `unless` names a status the entry must not have. */
  async function update(
    gardenId: string,
    idempotencyKey: string,
    fields: Partial<NotificationLogEntry>,
    unless?: NotificationLogEntry['status'],
  ): Promise<boolean> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    entries.forEach(([name, value], index) => {
      names[`#f${index}`] = name;
      values[`:v${index}`] = value;
    });
    let condition = 'attribute_exists(pk)';
    if (unless) {
      names['#status'] = 'status';
      values[':unless'] = unless;
      condition += ' AND #status <> :unless';
    }
    try {
      await db.send(
        new UpdateCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: sortKey(idempotencyKey) },
          UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  return {
    get,

    /**
     * Records that a message is about to be sent, unless its key was already claimed: then
     * nothing is written and the existing entry is returned, whatever its status.
     */
    async claim(claim: NotificationClaim): Promise<ClaimResult> {
      const entry: NotificationLogEntry = {
        idempotencyKey: claim.idempotencyKey,
        gardenId: claim.gardenId,
        memberId: claim.memberId,
        kind: claim.kind,
        subject: claim.subject,
        status: 'sending',
        channels: [],
        createdAt: claim.now,
        updatedAt: claim.now,
      };
      try {
        await db.send(
          new PutCommand({
            TableName: tables.gardens,
            Item: {
              pk: claim.gardenId,
              sk: sortKey(claim.idempotencyKey),
              gsi1pk: memberPartition(claim.gardenId, claim.memberId),
              // The time first, for newest-first lists; the key keeps two entries of one instant apart.
              gsi1sk: `${claim.now}#${claim.idempotencyKey}`,
              entity: 'notification',
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { claimed: true, entry };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const existing = await get(claim.gardenId, claim.idempotencyKey);
      // Only the retention sweep deletes entries, a year after sending: one that vanished between
      // the claim and this read (garden data erased meanwhile) is said loudly.
      if (!existing)
        throw new Error(`Notification ${claim.idempotencyKey} was claimed and then disappeared.`);
      return { claimed: false, entry: existing };
    },

    async markSent(
      gardenId: string,
      idempotencyKey: string,
      channels: NotificationChannelResult[],
      now: string,
    ): Promise<void> {
      await update(gardenId, idempotencyKey, {
        status: 'sent',
        channels,
        sentAt: now,
        updatedAt: now,
      });
    },

    async markSkipped(
      gardenId: string,
      idempotencyKey: string,
      reason: NotificationSkipReason,
      now: string,
    ): Promise<void> {
      await update(gardenId, idempotencyKey, { status: 'skipped', skippedReason: reason, updatedAt: now });
    },

    /**
     * Records a provider error with what each channel did, so a retry resends only the
     * channels that failed. Never turns a sent message back into a failed one.
     */
    async markFailed(
      gardenId: string,
      idempotencyKey: string,
      failure: { channels: NotificationChannelResult[]; error: string },
      now: string,
    ): Promise<void> {
      await update(
        gardenId,
        idempotencyKey,
        { status: 'failed', channels: failure.channels, error: failure.error, updatedAt: now },
        'sent',
      );
    },

    /** What was sent to a member, newest first, a page at a time. */
    async listForMember(
      gardenId: string,
      memberId: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<NotificationLogPage> {
      const partition = memberPartition(gardenId, memberId);
      const page = await db.send(
        new QueryCommand({
          TableName: tables.gardens,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ScanIndexForward: false,
          ExclusiveStartKey: decodeCursor(options.cursor, { name: 'gsi1pk', value: partition }),
          // One more than asked tells whether another page exists.
          Limit: options.limit + 1,
        }),
      );
      const items = page.Items ?? [];
      const taken = items.slice(0, options.limit);
      const last = taken[taken.length - 1];
      const more = items.length > options.limit;
      return {
        entries: taken.map((item) => withoutKeys<NotificationLogEntry>(item)),
        nextCursor:
          more && last
            ? encodeCursor({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk })
            : undefined,
      };
    },

    /**
     * A page of the garden's log for the retention sweep: the entries not made on or after
     * `keepFrom` (an ISO instant), that is those older and those whose date cannot be read, in
     * the order of their keys. At most `limit` entries are read, whatever how many match, so a
     * page may hold none and still have a next one.
     */
    async pageBefore(
      gardenId: string,
      keepFrom: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<{ entries: RetainedNotification[]; nextCursor?: string }> {
      const page = await db.send(
        new QueryCommand({
          TableName: tables.gardens,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          // A missing or non-text date compares false, so its negation keeps it: the sweep sees it.
          FilterExpression: 'NOT (#createdAt >= :keepFrom)',
          ExpressionAttributeNames: { '#createdAt': 'createdAt' },
          ExpressionAttributeValues: { ':pk': gardenId, ':prefix': sortKey(''), ':keepFrom': keepFrom },
          ExclusiveStartKey: decodeCursor(options.cursor, { name: 'pk', value: gardenId }, ['pk', 'sk']),
          Limit: options.limit,
        }),
      );
      const nextCursor = encodeCursor(page.LastEvaluatedKey);
      return {
        entries: (page.Items ?? []).map((item) => ({
          idempotencyKey: String(item.sk).slice(sortKey('').length),
          createdAt: item.createdAt as unknown,
        })),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },

    /** Deletes entries whose time in the log is up (retention); gone already is fine. */
    async remove(gardenId: string, idempotencyKeys: readonly string[]): Promise<void> {
      await deleteItems(
        db,
        tables.gardens,
        idempotencyKeys.map((key) => ({ pk: gardenId, sk: sortKey(key) })),
      );
    },
  };
}

/** An entry of the log as the retention sweep reads it: its key, and its date as stored (maybe unreadable). */
export interface RetainedNotification {
  idempotencyKey: string;
  createdAt: unknown;
}
export type NotificationLog = ReturnType<typeof createNotificationLog>;

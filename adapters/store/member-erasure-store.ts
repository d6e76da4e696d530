import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  ErasureBlockers,
  ErasureStatus,
  HistoriesPurge,
  MemberErasureRecord,
} from '../../domain/member-erasure.ts';
import { erasureBlockers, scrubIdentifiers } from '../../domain/member-erasure.ts';
import type { InvoiceStore } from './invoice-store.ts';
import type { SubscriptionStore } from './subscription-store.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryAll } from './query-all.ts';

// A member's erasure request lives in the garden's partition of the gardens table:
//   pk = <gardenId>, sk = ERASURE#<memberId>   the request, where it stands, its reference
// It stays once the member is erased, without personal data: the garden's proof of what it did.
//   pk = <gardenId>, sk = HISTORIESPURGE#<memberId>   the erased member's processes whose
//   histories the nightly sweep purges again once `due` has passed (ids only), then deleted

const requestKey = (gardenId: string, memberId: string) => ({ pk: gardenId, sk: `ERASURE#${memberId}` });
const historiesPurgePrefix = 'HISTORIESPURGE#';
const historiesPurgeKey = (gardenId: string, memberId: string) => ({
  pk: gardenId,
  sk: `${historiesPurgePrefix}${memberId}`,
});

/** Items of the garden's partition that are the member's own, by what their sort key starts with. */
const ownPrefixes = (memberId: string) => ({
  account: 'ACCOUNT#',
  billing: `BILLING#${memberId}`,
  calendar: `ICAL#${memberId}`,
  exports: `DATAEXPORT#${memberId}#`,
  exportLock: `DATAEXPORTLOCK#${memberId}`,
  consent: `CONSENT#${memberId}#`,
  member: `MEMBER#${memberId}`,
  request: `ERASURE#${memberId}`,
});

/** What erasing the garden's partition found and did, for the workflow's result (counts and ids only). */
export interface PartitionErasure {
  /** Identity-provider accounts bound to the member (to delete there). */
  accountIds: string[];
  /** The member's Stripe customer, if any (to delete there). */
  stripeCustomerId?: string;
  /** The member's data exports (their files to delete from S3). */
  exportIds: string[];
  /** Items deleted, and items whose personal data was taken out. */
  deleted: number;
  scrubbed: number;
}

/**
 * What stands in the way of a member's erasure now, from their records: the inbox, the API and
 * the workflow (when staff confirm) all read it here.
 */
export async function erasureBlockersOf(
  store: {
    invoices: Pick<InvoiceStore, 'listForMember'>;
    subscriptions: Pick<SubscriptionStore, 'listForMember'>;
  },
  gardenId: string,
  memberId: string,
): Promise<ErasureBlockers> {
  const [invoices, subscriptions] = await Promise.all([
    store.invoices.listForMember(gardenId, memberId),
    store.subscriptions.listForMember(gardenId, memberId),
  ]);
  return erasureBlockers(invoices, subscriptions);
}

/** Members' erasure requests, and the erasure of what the garden's partition holds of a member. */
export function createMemberErasureStore(db: DynamoDBDocumentClient, tables: TableNames) {
  const table = tables.gardens;

  async function get(gardenId: string, memberId: string): Promise<MemberErasureRecord | undefined> {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: requestKey(gardenId, memberId), ConsistentRead: true }),
    );
    return Item ? withoutKeys<MemberErasureRecord>(Item) : undefined;
  }

  return {
    get,

    /**
     * Records a new request, unless one is already under way or done: false then, and nothing
     * written. A refused request may be made again (its record is replaced).
     */
    async open(gardenId: string, record: MemberErasureRecord): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...requestKey(gardenId, record.memberId), entity: 'erasure', ...record },
            ConditionExpression: 'attribute_not_exists(pk) OR #status = :refused',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':refused': 'refused' satisfies ErasureStatus },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    /**
     * Keeps the processes whose histories are purged again once `due` has passed (the retention
     * rule's erasures; a request's erasure waits in its own workflow). Replaces the member's
     * earlier one: an erasure repeated counts from its last run.
     */
    async scheduleHistoriesPurge(gardenId: string, purge: HistoriesPurge): Promise<void> {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...historiesPurgeKey(gardenId, purge.memberId), entity: 'historiesPurge', ...purge },
        }),
      );
    },

    /**
     * The purges due by `instant`, oldest first. The pending ones are few (the erasures of the
     * last days, and those that failed since), so they are read together and filtered on `due`.
     */
    async historiesPurgesDue(gardenId: string, instant: string): Promise<HistoriesPurge[]> {
      const items = await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': gardenId, ':prefix': historiesPurgePrefix },
        ConsistentRead: true,
      });
      return items
        .map((item) => withoutKeys<HistoriesPurge>(item))
        .filter((purge) => typeof purge.due === 'string' && purge.due <= instant)
        .sort((a, b) => a.due.localeCompare(b.due) || a.memberId.localeCompare(b.memberId));
    },

    /** Forgets a purge once done, unless it was scheduled again meanwhile (another `due`). */
    async forgetHistoriesPurge(gardenId: string, purge: Pick<HistoriesPurge, 'memberId' | 'due'>) {
      await db
        .send(
          new DeleteCommand({
            TableName: table,
            Key: historiesPurgeKey(gardenId, purge.memberId),
            ConditionExpression: 'due = :due',
            ExpressionAttributeValues: { ':due': purge.due },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    },

    /** Forgets a request whose process could not be started (the member may ask again at once). */
    async discard(gardenId: string, memberId: string): Promise<void> {
      await db
        .send(
          new DeleteCommand({
            TableName: table,
            Key: requestKey(gardenId, memberId),
            ConditionExpression: '#status = :waiting',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':waiting': 'awaiting-staff' satisfies ErasureStatus },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    },

    /** Sets fields of an existing request (the workflow's steps); `remove` takes fields out. */
    async update(
      gardenId: string,
      memberId: string,
      fields: Partial<Omit<MemberErasureRecord, 'memberId' | 'reference' | 'requestedAt'>>,
      remove: ReadonlyArray<keyof MemberErasureRecord> = [],
    ): Promise<void> {
      const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets = entries.map(([field, value], index) => {
        names[`#f${index}`] = field;
        values[`:v${index}`] = value;
        return `#f${index} = :v${index}`;
      });
      const removes = remove.map((field, index) => {
        names[`#r${index}`] = field;
        return `#r${index}`;
      });
      const expression = [
        sets.length ? `SET ${sets.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      if (!expression) return;
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: requestKey(gardenId, memberId),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    },

    /**
     * Takes the member out of the garden's partition, except their own record (the caller puts
     * the erased one last, so that a retry still knows whom to look for): their account
     * bindings, billing profile, calendar token, data export requests go; their consent
     * entries stay as proof, without the address and browser they were given from; every
     * other item that names them (a round's stop, an incident, a notification's subject and
     * address, a week's sheet) has those words replaced by the reference. Another member's
     * record and items are left alone: a phone or a street they share stays theirs. Safe to repeat.
     */
    async erasePartition(
      gardenId: string,
      memberId: string,
      identifiers: readonly string[],
      reference: string,
    ): Promise<PartitionErasure> {
      const own = ownPrefixes(memberId);
      const items = await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': gardenId },
      });
      const found: PartitionErasure = { accountIds: [], exportIds: [], deleted: 0, scrubbed: 0 };
      const remove = async (item: Record<string, unknown>) => {
        await db.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
        found.deleted++;
      };
      for (const item of items) {
        const sk = String(item.sk);
        if (sk === own.member || sk === own.request) continue;
        if (sk.startsWith(own.account)) {
          if (item.memberId !== memberId) continue;
          found.accountIds.push(String(item.userId));
          await remove(item);
        } else if (sk === own.billing) {
          if (typeof item.stripeCustomerId === 'string') found.stripeCustomerId = item.stripeCustomerId;
          await remove(item);
        } else if (sk === own.calendar) {
          // Left by a feed made after `calendarLinks.forget` ran: its lookup was never read.
          await remove(item);
        } else if (sk.startsWith(own.exports)) {
          found.exportIds.push(String(item.exportId));
          await remove(item);
        } else if (sk === own.exportLock) {
          await remove(item);
        } else if (sk.startsWith(own.consent)) {
          if (item.origin === undefined && item.accountId === undefined) continue;
          const { origin: _origin, accountId: _accountId, ...kept } = item;
          await db.send(new PutCommand({ TableName: table, Item: kept }));
          found.scrubbed++;
        } else if (
          sk.startsWith('MEMBER#') ||
          (typeof item.memberId === 'string' && item.memberId !== memberId)
        ) {
          // Another household's record or item: a phone or a street they share stays theirs.
          continue;
        } else {
          const { pk, sk: sortKey, ...rest } = item;
          const scrubbed = scrubIdentifiers(rest, identifiers, reference);
          if (!scrubbed.changed) continue;
          await db.send(
            new PutCommand({
              TableName: table,
              Item: { ...(scrubbed.value as Record<string, unknown>), pk, sk: sortKey },
            }),
          );
          found.scrubbed++;
        }
      }
      return found;
    },
  };
}
export type MemberErasureStore = ReturnType<typeof createMemberErasureStore>;

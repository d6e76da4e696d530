import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { CocagneError } from '../../domain/errors.ts';
import {
  noCalls,
  type CallFigures,
  type ExtensionHistoryEntry,
  type ExtensionVersionRecord,
  type GoldenCase,
} from '../../domain/extension-rollout.ts';
import { ChangeRefusedError, type ChangeLog } from './action-log.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

/**
 * A garden's extension records, in the control table (with the registry: what a garden runs is
 * control data), one partition per garden (`EXTENSIONS#<garden>`):
 * - `VERSION#<name>#<version>`: each uploaded version (manifest, hash, size, status, checks,
 *   self-tests, diff, approval, history);
 * - `GOLDEN#<hook>#<id>`: the garden's golden cases;
 * - `RECENT#<hook>`: the last inputs of the hook's real calls (for the diff before approval);
 * - `CALLS#<name>#<version>`: calls and failures of a version, added to by every process.
 */
const partition = (gardenId: string) => `EXTENSIONS#${gardenId}`;
const versionKey = (name: string, version: string) => `VERSION#${name}#${version}`;

/** Inputs of real calls kept per garden and hook. */
export const recentInputsKept = 20;

export interface RecentInput {
  at: string;
  input: unknown;
}

export interface CallDelta {
  calls: number;
  failures: number;
  byKind: Record<string, number>;
  lastFailure?: CallFigures['lastFailure'];
}

export function createExtensionRecords(db: DynamoDBDocumentClient, tables: TableNames) {
  const table = tables.control;

  return {
    /**
     * Records an uploaded version; false when this version was already uploaded with the same
     * module (nothing changes), a conflict when with another one.
     */
    async createVersion(record: ExtensionVersionRecord): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: partition(record.gardenId),
              sk: versionKey(record.name, record.version),
              entity: 'extension-version',
              ...record,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await this.version(record.gardenId, record.name, record.version);
        if (existing?.contentHash === record.contentHash) return false;
        throw new CocagneError('duplicate', {
          fr: `La version ${record.version} de l’extension ${record.name} existe déjà avec un autre module : changez le numéro de version.`,
          en: `Version ${record.version} of extension ${record.name} already exists with another module: raise the version.`,
        });
      }
    },

    async version(
      gardenId: string,
      name: string,
      version: string,
    ): Promise<ExtensionVersionRecord | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: partition(gardenId), sk: versionKey(name, version) },
          ConsistentRead: true,
        }),
      );
      return Item ? withoutKeys<ExtensionVersionRecord>(Item) : undefined;
    },

    /** Every version of every extension of the garden, by name then upload time. */
    async versions(gardenId: string): Promise<ExtensionVersionRecord[]> {
      const items = await queryPrefix(db, table, partition(gardenId), 'VERSION#');
      return items
        .map((item) => withoutKeys<ExtensionVersionRecord>(item))
        .sort((a, b) => a.name.localeCompare(b.name) || a.uploaded.at.localeCompare(b.uploaded.at));
    },

    /** Sets some fields of a version's record and adds a line to its history. */
    async updateVersion(
      gardenId: string,
      name: string,
      version: string,
      fields: Partial<Omit<ExtensionVersionRecord, 'gardenId' | 'name' | 'version' | 'history'>>,
      entry?: ExtensionHistoryEntry,
    ): Promise<void> {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      Object.entries(fields).forEach(([field, value], index) => {
        if (value === undefined) return;
        names[`#f${index}`] = field;
        values[`:v${index}`] = value;
        sets.push(`#f${index} = :v${index}`);
      });
      if (entry) {
        names['#history'] = 'history';
        values[':entry'] = [entry];
        values[':none'] = [];
        sets.push('#history = list_append(if_not_exists(#history, :none), :entry)');
      }
      if (sets.length === 0) return;
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: partition(gardenId), sk: versionKey(name, version) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async goldenCases(gardenId: string, hook?: string): Promise<GoldenCase[]> {
      const items = await queryPrefix(db, table, partition(gardenId), hook ? `GOLDEN#${hook}#` : 'GOLDEN#');
      return items
        .map((item) => withoutKeys<GoldenCase>(item))
        .sort((a, b) => a.added.at.localeCompare(b.added.at));
    },

    /**
     * Adds a golden case. With a `log`, the staff action log's entry is written with it (naming the
     * case, not its input and answer, which may be large).
     */
    async addGoldenCase(gardenId: string, golden: GoldenCase, log?: ChangeLog): Promise<void> {
      const put = {
        TableName: table,
        Item: {
          pk: partition(gardenId),
          sk: `GOLDEN#${golden.hook}#${golden.id}`,
          entity: 'extension-golden-case',
          ...golden,
        },
      };
      if (log) await log.write([{ Put: put }], { id: golden.id, hook: golden.hook, name: golden.name });
      else await db.send(new PutCommand(put));
    },

    /** Removes a golden case; false when there was none. */
    async removeGoldenCase(gardenId: string, hook: string, id: string, log?: ChangeLog): Promise<boolean> {
      const key = { pk: partition(gardenId), sk: `GOLDEN#${hook}#${id}` };
      if (log) {
        try {
          await log.write(
            [{ Delete: { TableName: table, Key: key, ConditionExpression: 'attribute_exists(pk)' } }],
            undefined,
            (refused) => refused,
          );
          return true;
        } catch (error) {
          if (error instanceof ChangeRefusedError) return false;
          throw error;
        }
      }
      const { Attributes } = await db.send(
        new DeleteCommand({ TableName: table, Key: key, ReturnValues: 'ALL_OLD' }),
      );
      return Attributes !== undefined;
    },

    async recentInputs(gardenId: string, hook: string): Promise<RecentInput[]> {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: { pk: partition(gardenId), sk: `RECENT#${hook}` } }),
      );
      return (Item?.inputs as RecentInput[] | undefined) ?? [];
    },

    /** Adds inputs to the hook's recent ones, keeping the last `recentInputsKept`. */
    async addRecentInputs(gardenId: string, hook: string, added: RecentInput[]): Promise<void> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const { Item } = await db.send(
          new GetCommand({
            TableName: table,
            Key: { pk: partition(gardenId), sk: `RECENT#${hook}` },
            ConsistentRead: true,
          }),
        );
        const revision = Number(Item?.revision ?? 0);
        const inputs = [...((Item?.inputs as RecentInput[] | undefined) ?? []), ...added]
          .sort((a, b) => a.at.localeCompare(b.at))
          .slice(-recentInputsKept);
        try {
          await db.send(
            new PutCommand({
              TableName: table,
              Item: { pk: partition(gardenId), sk: `RECENT#${hook}`, inputs, revision: revision + 1 },
              ConditionExpression: revision === 0 ? 'attribute_not_exists(pk)' : 'revision = :revision',
              ...(revision === 0 ? {} : { ExpressionAttributeValues: { ':revision': revision } }),
            }),
          );
          return;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
    },

    /** Adds calls and failures to a version's figures (one write for a batch of calls). */
    async addCalls(gardenId: string, name: string, version: string, delta: CallDelta): Promise<void> {
      const names: Record<string, string> = { '#calls': 'calls', '#failures': 'failures' };
      const values: Record<string, unknown> = { ':calls': delta.calls, ':failures': delta.failures };
      const adds = ['#calls :calls', '#failures :failures'];
      Object.entries(delta.byKind).forEach(([kind, count], index) => {
        names[`#k${index}`] = `kind:${kind}`;
        values[`:k${index}`] = count;
        adds.push(`#k${index} :k${index}`);
      });
      let set = '';
      if (delta.lastFailure) {
        names['#last'] = 'lastFailure';
        values[':last'] = delta.lastFailure;
        set = ' SET #last = :last';
      }
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: partition(gardenId), sk: `CALLS#${name}#${version}` },
          UpdateExpression: `ADD ${adds.join(', ')}${set}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async callFigures(gardenId: string, name: string, version: string): Promise<CallFigures> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: partition(gardenId), sk: `CALLS#${name}#${version}` },
          ConsistentRead: true,
        }),
      );
      if (!Item) return noCalls();
      const byKind: Record<string, number> = {};
      for (const [field, value] of Object.entries(Item)) {
        if (field.startsWith('kind:')) byKind[field.slice('kind:'.length)] = Number(value);
      }
      return {
        calls: Number(Item.calls ?? 0),
        failures: Number(Item.failures ?? 0),
        byKind,
        ...(Item.lastFailure ? { lastFailure: Item.lastFailure as CallFigures['lastFailure'] } : {}),
      };
    },
  };
}
export type ExtensionRecords = ReturnType<typeof createExtensionRecords>;

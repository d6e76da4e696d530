import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Depot, DepotInput } from '../../domain/depot.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { requireEntityId } from '../../domain/ids.ts';
import { ChangeRefusedError, type ChangeLog } from './action-log.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

export function createDepotStore(db: DynamoDBDocumentClient, tables: TableNames) {
  return {
    /** Adds a depot unless one with this id exists; returns false when it was already there. */
    async createIfAbsent(depot: Depot, log?: ChangeLog): Promise<boolean> {
      requireEntityId(depot.id, { fr: 'Point de dépôt', en: 'Pick-up point' });
      const put = {
        TableName: tables.gardens,
        Item: { pk: depot.gardenId, sk: `DEPOT#${depot.id}`, entity: 'depot', ...depot },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      try {
        if (log) await log.write([{ Put: put }], depot, (refused) => refused);
        else await db.send(new PutCommand(put));
        return true;
      } catch (error) {
        if (isConditionFailure(error) || error instanceof ChangeRefusedError) return false;
        throw error;
      }
    },

    /** Replaces a depot's details, provided nobody changed them since `expectedVersion`. */
    async update(
      gardenId: string,
      id: string,
      expectedVersion: number,
      input: DepotInput,
      /** The staff action log's entry of this change, written with it. */
      log?: ChangeLog,
    ): Promise<Depot> {
      const depot: Depot = { ...input, id, gardenId, version: expectedVersion + 1 };
      const put = {
        TableName: tables.gardens,
        Item: { pk: gardenId, sk: `DEPOT#${id}`, entity: 'depot', ...depot },
        ConditionExpression: 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
      try {
        if (log) await log.write([{ Put: put }], depot, (refused) => refused);
        else await db.send(new PutCommand(put));
      } catch (error) {
        if (!(isConditionFailure(error) || error instanceof ChangeRefusedError)) throw error;
        if (!(await this.get(gardenId, id))) throw notFound({ fr: 'Point de dépôt', en: 'Pick-up point' });
        throw conflict();
      }
      return depot;
    },

    async get(gardenId: string, id: string): Promise<Depot | undefined> {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.gardens, Key: { pk: gardenId, sk: `DEPOT#${id}` } }),
      );
      return Item ? withoutKeys<Depot>(Item) : undefined;
    },

    /** All depots of a garden (a few dozen at most), by name. */
    async list(gardenId: string): Promise<Depot[]> {
      const items = await queryPrefix(db, tables.gardens, gardenId, 'DEPOT#');
      const depots = items.map((item) => withoutKeys<Depot>(item));
      return depots.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    },
  };
}
export type DepotStore = ReturnType<typeof createDepotStore>;

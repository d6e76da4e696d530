import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Garden } from '../../domain/garden.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryAll } from './query-all.ts';

const registryPartition = 'GARDEN';

/** The network's list of gardens (tenants), kept in the control table. */
export function createGardenRegistry(db: DynamoDBDocumentClient, tables: TableNames) {
  return {
    /** Registers a garden unless it already is; returns false when it was already there. */
    async register(garden: Garden): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.control,
            Item: { pk: registryPartition, sk: garden.id, entity: 'garden', ...garden },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async get(gardenId: string): Promise<Garden | undefined> {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.control, Key: { pk: registryPartition, sk: gardenId } }),
      );
      return Item ? withoutKeys<Garden>(Item) : undefined;
    },

    async list(): Promise<Garden[]> {
      const items = await queryAll(db, {
        TableName: tables.control,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': registryPartition },
      });
      return items.map((item) => withoutKeys<Garden>(item));
    },
  };
}
export type GardenRegistry = ReturnType<typeof createGardenRegistry>;

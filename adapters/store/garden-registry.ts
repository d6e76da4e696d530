import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Garden } from '../../domain/garden.ts';
import type { GardenState } from '../../domain/garden-provisioning.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryAll } from './query-all.ts';

const registryPartition = 'GARDEN';

/** What the provisioning saga keeps on a garden's record besides the garden itself. */
export interface GardenRecordMarks {
  /** When the first administrator's invitation (Keycloak's email) was asked for. */
  invitationSentAt?: string;
  /** When the welcome email went out. */
  welcomeSentAt?: string;
}

/** The network's list of gardens (tenants), kept in the control table. */
export function createGardenRegistry(db: DynamoDBDocumentClient, tables: TableNames) {
  const key = (gardenId: string) => ({ pk: registryPartition, sk: gardenId });

  /**
   * The condition "the garden is in one of these states"; a record without a state is
   * `active` (written before states existed).
   */
  function stateCondition(states: readonly GardenState[]) {
    const values: Record<string, string> = {};
    const parts = states.map((state, index) => {
      values[`:s${index}`] = state;
      return `#state = :s${index}`;
    });
    if (states.includes('active')) parts.push('attribute_not_exists(#state)');
    return {
      ConditionExpression: `attribute_exists(pk) AND (${parts.join(' OR ')})`,
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: values,
    };
  }

  return {
    /** Registers a garden unless it already is; returns false when it was already there. */
    async register(garden: Garden): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.control,
            Item: { ...key(garden.id), entity: 'garden', ...garden },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    /**
     * Reserves a slug for a garden being created (state `provisioning`) by one operation
     * (`reservedBy`: the run's id). Refused (false) when the slug is taken, whatever the other
     * record's state (a retired garden's slug stays its own), unless by this same operation.
     */
    async reserve(garden: Omit<Garden, 'state'>, reservedBy: string): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.control,
            Item: { ...key(garden.id), entity: 'garden', ...garden, state: 'provisioning', reservedBy },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.control, Key: key(garden.id), ConsistentRead: true }),
      );
      return Item?.state === 'provisioning' && Item.reservedBy === reservedBy;
    },

    /**
     * Moves a garden to `to` provided it is in one of `from` (or already in `to`: repeating a
     * move changes nothing). False when it is in another state or absent.
     */
    async setState(gardenId: string, from: readonly GardenState[], to: GardenState): Promise<boolean> {
      const condition = stateCondition([...new Set([...from, to])]);
      try {
        await db.send(
          new UpdateCommand({
            TableName: tables.control,
            Key: key(gardenId),
            UpdateExpression: 'SET #state = :to',
            ...condition,
            ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':to': to },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    /** Sets a mark of the saga on the garden's record (see `GardenRecordMarks`). */
    async mark(gardenId: string, mark: keyof GardenRecordMarks, at: string): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: tables.control,
          Key: key(gardenId),
          UpdateExpression: 'SET #mark = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#mark': mark },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    },

    /** The saga's marks on the garden's record. */
    async marks(gardenId: string): Promise<GardenRecordMarks> {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.control, Key: key(gardenId), ConsistentRead: true }),
      );
      return {
        ...(typeof Item?.invitationSentAt === 'string' ? { invitationSentAt: Item.invitationSentAt } : {}),
        ...(typeof Item?.welcomeSentAt === 'string' ? { welcomeSentAt: Item.welcomeSentAt } : {}),
      };
    },

    /**
     * Deletes a reservation (a creation rolled back): only while the garden is still
     * `provisioning` and reserved by that operation, never an active garden's record nor
     * another creation's. True when no such reservation is left.
     */
    async deleteReservation(gardenId: string, reservedBy: string): Promise<boolean> {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tables.control,
            Key: key(gardenId),
            ConditionExpression:
              'attribute_not_exists(pk) OR (#state = :provisioning AND reservedBy = :reservedBy)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':provisioning': 'provisioning', ':reservedBy': reservedBy },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async get(gardenId: string): Promise<Garden | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: tables.control, Key: key(gardenId) }));
      return Item ? gardenOf(Item) : undefined;
    },

    async list(): Promise<Garden[]> {
      const items = await queryAll(db, {
        TableName: tables.control,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': registryPartition },
      });
      return items.map(gardenOf);
    },
  };
}
export type GardenRegistry = ReturnType<typeof createGardenRegistry>;

/** The garden without the saga's marks. */
function gardenOf(item: Record<string, unknown>): Garden {
  const {
    invitationSentAt: _i,
    welcomeSentAt: _w,
    reservedBy: _r,
    ...garden
  } = withoutKeys<Garden & GardenRecordMarks & { reservedBy?: string }>(item);
  return garden;
}

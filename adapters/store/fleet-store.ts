import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyFleet, type Fleet, type FleetInput } from '../../domain/rounds/fleet.ts';
import { ChangeRefusedError, type ChangeLog } from './action-log.ts';
import { putVersioned, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';

const fleetKey = 'SETTINGS#FLEET';
/**
 * The Circuit API key lives in an item of its own, which no read of the fleet touches: a
 * mistake in what the fleet answers can never show it.
 */
const circuitKeyKey = 'SECRET#CIRCUIT_KEY';

/** The last four characters of a key: enough for a person to recognise it, too few to use it. */
export function keyHint(key: string): string {
  return key.slice(-4);
}

/**
 * What a garden admin sets for the rounds (vehicles, drivers, service times, the optimiser):
 * one item per garden with a version (a change made from an outdated copy is a conflict), and
 * the Circuit API key beside it, written and removed but never answered.
 */
export function createFleetStore(db: DynamoDBDocumentClient, tables: TableNames) {
  async function readFleet(gardenId: string): Promise<Fleet | undefined> {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tables.gardens,
        Key: { pk: gardenId, sk: fleetKey },
        ConsistentRead: true,
      }),
    );
    return Item ? withoutKeys<Fleet>(Item) : undefined;
  }

  async function readKey(gardenId: string): Promise<string | undefined> {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tables.gardens,
        Key: { pk: gardenId, sk: circuitKeyKey },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.key === 'string' ? Item.key : undefined;
  }

  return {
    /** The garden's fleet, or an empty one (version 0) before its admins set it; never the key itself. */
    async get(gardenId: string): Promise<Fleet> {
      const [fleet, key] = await Promise.all([readFleet(gardenId), readKey(gardenId)]);
      const { circuitKeyHint: _stored, ...shown } = fleet ?? emptyFleet(gardenId);
      return key === undefined ? shown : { ...shown, circuitKeyHint: keyHint(key) };
    },

    /** Saves the fleet made from version `expectedVersion` (0: none yet); a stale version is a conflict. */
    async put(
      gardenId: string,
      input: FleetInput,
      expectedVersion: number,
      now: string,
      /** The staff action log's entry of this change, written with it. */
      log?: ChangeLog,
    ): Promise<Fleet> {
      const fleet: Fleet = {
        vehicles: input.vehicles,
        serviceMinutes: input.serviceMinutes,
        optimiser: input.optimiser,
        reoptimiseAfterApproval: input.reoptimiseAfterApproval,
        tellMembersTheirWindow: input.tellMembersTheirWindow,
        gardenId,
        updatedAt: now,
        version: expectedVersion + 1,
      };
      await putVersioned(
        db,
        tables.gardens,
        { pk: gardenId, sk: fleetKey, entity: 'fleet', ...fleet },
        expectedVersion,
        log,
      );
      return this.get(gardenId);
    },

    /** Whether a Circuit API key is stored (without reading it out). */
    async hasCircuitKey(gardenId: string): Promise<boolean> {
      return (await readKey(gardenId)) !== undefined;
    },

    /**
     * Stores (or replaces) the garden's Circuit API key, and the secret its webhooks are signed
     * with when given (a new key alone keeps the secret stored before).
     */
    async setCircuitKey(
      gardenId: string,
      key: string,
      now: string,
      webhookSecret?: string,
      /** The log's entry: it is given the key's hint only, never the key nor the secret. */
      log?: ChangeLog,
    ): Promise<void> {
      const update = {
        TableName: tables.gardens,
        Key: { pk: gardenId, sk: circuitKeyKey },
        UpdateExpression: `SET entity = :entity, #key = :key, updatedAt = :now${webhookSecret ? ', webhookSecret = :secret' : ''}`,
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: {
          ':entity': 'secret',
          ':key': key,
          ':now': now,
          ...(webhookSecret ? { ':secret': webhookSecret } : {}),
        },
      };
      if (log) {
        await log.write([{ Update: update }], {
          circuitKeyHint: keyHint(key),
          webhookSecret: webhookSecret ? 'set' : 'kept',
        });
      } else {
        await db.send(new UpdateCommand(update));
      }
    },

    /** The secret Circuit's webhooks for this garden are signed with, if stored (never for an answer). */
    async circuitWebhookSecret(gardenId: string): Promise<string | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: circuitKeyKey },
          ConsistentRead: true,
        }),
      );
      return typeof Item?.webhookSecret === 'string' ? Item.webhookSecret : undefined;
    },

    /**
     * Removes the garden's Circuit key; false when there was none. With a `log`, the entry is
     * written only with a key removed: removing nothing logs nothing.
     */
    async removeCircuitKey(gardenId: string, log?: ChangeLog): Promise<boolean> {
      const remove = { TableName: tables.gardens, Key: { pk: gardenId, sk: circuitKeyKey } };
      if (!log) {
        const { Attributes } = await db.send(new DeleteCommand({ ...remove, ReturnValues: 'ALL_OLD' }));
        return Attributes !== undefined;
      }
      try {
        await log.write(
          [{ Delete: { ...remove, ConditionExpression: 'attribute_exists(pk)' } }],
          undefined,
          (refused) => refused,
        );
        return true;
      } catch (error) {
        if (error instanceof ChangeRefusedError) return false;
        throw error;
      }
    },

    /** The Circuit API key itself: for the worker's Circuit adapter only, never for an answer. */
    async circuitKey(gardenId: string): Promise<string | undefined> {
      return readKey(gardenId);
    },
  };
}
export type FleetStore = ReturnType<typeof createFleetStore>;

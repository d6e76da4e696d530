import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../adapters/store/index.ts';
import { createGardenBlobs } from './garden-configuration.ts';
import { createProvisioningActivities, type ProvisioningPorts } from './provisioning-activities.ts';

/**
 * Deletions that DynamoDB or S3 carry out only in part: answers DynamoDB Local and the local
 * S3 do not give (no throttling there), so fake clients here. The deletions themselves are
 * checked against the real services by workflows/garden-provisioning/workflow.test.ts.
 */

type Deletion = { DeleteRequest: { Key: { pk: string; sk: string } } };

/** A DynamoDB that leaves the last item of each batch unprocessed, `times` times in all. */
function throttlingDb(times: number) {
  const batches: Deletion[][] = [];
  let left = times;
  const db = {
    send: (command: unknown) => {
      if (!(command instanceof BatchWriteCommand)) throw new Error('Only batch writes here');
      const batch = (command.input.RequestItems?.gardens ?? []) as Deletion[];
      batches.push(batch);
      if (left > 0 && batch.length > 0) {
        left--;
        return Promise.resolve({ UnprocessedItems: { gardens: batch.slice(-1) } });
      }
      return Promise.resolve({ UnprocessedItems: {} });
    },
  };
  const store = { db, tables: { gardens: 'gardens', control: 'control' } } as unknown as Store;
  return { store, batches };
}

const activitiesOf = (store: Store) =>
  createProvisioningActivities({ store } as unknown as ProvisioningPorts);

describe("a garden's batch deletions", () => {
  it('send again what DynamoDB left unprocessed', async () => {
    const { store, batches } = throttlingDb(2);
    await activitiesOf(store).eraseGardenDefaults({ gardenId: 'val-du-doubs' });
    expect(batches.map((batch) => batch.length)).toEqual([4, 1, 1]);
    expect(batches[2]?.[0]?.DeleteRequest.Key).toEqual({ pk: 'val-du-doubs', sk: 'SETTINGS#PRICING' });
  });

  it('fail when DynamoDB keeps leaving some unprocessed, so Temporal runs the activity again', async () => {
    const { store, batches } = throttlingDb(Number.POSITIVE_INFINITY);
    await expect(activitiesOf(store).eraseGardenDefaults({ gardenId: 'val-du-doubs' })).rejects.toThrow(
      /1 deletions of gardens unprocessed after 5 tries/,
    );
    expect(batches).toHaveLength(5);
  });

  it('fail when S3 could not delete some of the objects', async () => {
    const s3 = {
      send: (command: unknown) => {
        if (command instanceof ListObjectsV2Command) {
          return Promise.resolve({
            Contents: [{ Key: 'val-du-doubs/a.json' }, { Key: 'val-du-doubs/b.json' }],
          });
        }
        if (command instanceof DeleteObjectsCommand) {
          return Promise.resolve({
            Errors: [{ Key: 'val-du-doubs/b.json', Code: 'AccessDenied', Message: 'Access Denied' }],
          });
        }
        throw new Error('Not here');
      },
    } as unknown as S3Client;
    await expect(createGardenBlobs(s3, 'documents').deleteGarden('val-du-doubs')).rejects.toThrow(
      /could not delete 1 objects .*val-du-doubs\/b\.json \(AccessDenied/,
    );
  });
});

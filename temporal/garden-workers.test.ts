import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeConnection } from '@temporalio/worker';
import type { Store } from '../adapters/store/index.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import {
  createTestGarden,
  testActivities,
  testEnvironment,
  testStore,
} from '../tests/support/environment.ts';
import { workflowBundle } from '../tests/support/temporal.ts';
import { createGardenWorkers } from './garden-workers.ts';

/** The worker process's workers, one per garden, on the local Temporal dev server. */
describe('garden workers', () => {
  let store: Store;
  let connection: NativeConnection;

  beforeAll(async () => {
    store = await testStore();
    connection = await NativeConnection.connect({ address: testEnvironment().TEMPORAL_ADDRESS });
  });
  afterAll(async () => {
    await connection?.close();
    store?.close();
  });

  it('poll their garden, and stop when asked without waiting for the next look for new gardens', async () => {
    const { gardenId } = await createTestGarden(store, 'garden-workers');
    const logs: string[] = [];
    const workers = createGardenWorkers({
      connection,
      namespace: testEnvironment().TEMPORAL_NAMESPACE ?? 'cocagne',
      activities: testActivities(store),
      workflows: await workflowBundle(),
      gardens: store.gardens,
      only: [gardenId],
      // Far longer than the test may last: stopping must not wait for it (Ctrl-C allows 10 s).
      refreshIntervalMs: 60 * 60_000,
      log: (message) => logs.push(message),
    });
    const running = workers.run();
    await expect.poll(() => workers.gardens(), { timeout: 30_000 }).toEqual([gardenId]);
    expect(logs).toContain(`worker polling ${gardenTaskQueue(gardenId)}`);

    await workers.stop();
    await expect(running).resolves.toBeUndefined();
  });
});

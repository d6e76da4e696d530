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
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import type { Garden } from '../domain/garden.ts';
import { createGardenWorkers, type GardenWorker } from './garden-workers.ts';

/** A worker that polls nothing, running until shut down (`onShutdown` hears it). */
function pollingNothing(onShutdown: () => void = () => undefined): GardenWorker {
  let state: ReturnType<GardenWorker['getState']> = 'RUNNING';
  let end: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (end = resolve));
  return {
    run: () => done,
    getState: () => state,
    shutdown: () => {
      state = 'STOPPED';
      onShutdown();
      end();
    },
  };
}

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

  it('serve a garden from its creation until it is retired, then stop its worker', async () => {
    const garden = (id: string, state: Garden['state']): Garden => ({
      id,
      name: id,
      city: 'Dole',
      contactEmail: `${id}@example.org`,
      timeZone: 'Europe/Paris',
      createdAt: '2026-12-01T00:00:00.000Z',
      ...(state ? { state } : {}),
    });
    let registered = [
      garden('g-new', 'provisioning'),
      garden('g-old', undefined),
      garden('g-leaving', 'retiring'),
      garden('g-gone', 'retired'),
    ];
    const stopped: string[] = [];
    const workers = createGardenWorkers({
      connection,
      namespace: 'unused',
      activities: {} as never,
      workflows: { code: '' },
      gardens: { list: async () => registered } as unknown as GardenRegistry,
      refreshIntervalMs: 50,
      log: () => undefined,
      // Workers that poll nothing: what is asked of them is what the test looks at.
      createWorker: async (options) => pollingNothing(() => stopped.push(options.taskQueue)),
    });
    const running = workers.run();
    await expect.poll(() => workers.gardens().sort()).toEqual(['g-leaving', 'g-new', 'g-old']);
    registered = registered.map((entry) =>
      entry.id === 'g-leaving' ? garden('g-leaving', 'retired') : entry,
    );
    await expect.poll(() => workers.gardens().sort()).toEqual(['g-new', 'g-old']);
    expect(stopped).toEqual([gardenTaskQueue('g-leaving')]);
    await workers.stop();
    await running;
  });
  it('give each garden’s worker the cache size the deployment set, and the SDK’s default without one', async () => {
    const garden: Garden = {
      id: 'g-cache',
      name: 'g-cache',
      city: 'Dole',
      contactEmail: 'g-cache@example.org',
      timeZone: 'Europe/Paris',
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    for (const maxCachedWorkflows of [1_400, undefined]) {
      const asked: Array<number | undefined> = [];
      const workers = createGardenWorkers({
        connection,
        namespace: 'unused',
        activities: {} as never,
        workflows: { code: '' },
        gardens: { list: async () => [garden] } as unknown as GardenRegistry,
        refreshIntervalMs: 60 * 60_000,
        maxCachedWorkflows,
        log: () => undefined,
        createWorker: async (options) => {
          asked.push(options.maxCachedWorkflows);
          return pollingNothing();
        },
      });
      const running = workers.run();
      await expect.poll(() => workers.gardens()).toEqual(['g-cache']);
      expect(asked).toEqual([maxCachedWorkflows]);
      await workers.stop();
      await running;
    }
  });
});

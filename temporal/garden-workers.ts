import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities/index.ts';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import { gardenTaskQueue } from '../domain/garden.ts';

export interface GardenWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  activities: Activities;
  workflows: WorkflowBundleOption;
  gardens: GardenRegistry;
  /** How often to look for gardens provisioned since start. */
  refreshIntervalMs: number;
  /** Serve only these gardens (one deployment per garden); all registered gardens when absent. */
  only?: readonly string[] | undefined;
  log: (message: string) => void;
}

/**
 * One worker per garden, each polling its garden's task queue, all in this process. Gardens
 * provisioned later are picked up without a restart.
 */
export function createGardenWorkers(options: GardenWorkersOptions) {
  const running = new Map<string, { worker: Worker; done: Promise<void> }>();
  let stopping = false;
  let failure: unknown;
  /** Ends the wait between two looks for new gardens (on stop, so it is not a refresh late). */
  let wake: () => void = () => undefined;

  async function addMissingGardens(): Promise<void> {
    const gardens = await options.gardens.list();
    for (const garden of gardens) {
      if (running.has(garden.id) || stopping) continue;
      if (options.only && !options.only.includes(garden.id)) continue;
      const worker = await Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: gardenTaskQueue(garden.id),
        workflowBundle: options.workflows,
        activities: options.activities,
      });
      const done = worker.run().catch((error: unknown) => {
        failure ??= error;
      });
      running.set(garden.id, { worker, done });
      options.log(`worker polling ${gardenTaskQueue(garden.id)}`);
    }
  }

  return {
    gardens: () => [...running.keys()],

    /** Runs until `stop` is called or a worker fails. */
    async run(): Promise<void> {
      await addMissingGardens();
      while (!stopping && failure === undefined) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.refreshIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (!stopping)
          await addMissingGardens().catch((error: unknown) =>
            options.log(`garden refresh failed: ${String(error)}`),
          );
      }
      await Promise.all([...running.values()].map((entry) => entry.done));
      if (failure instanceof Error) throw failure;
      if (failure !== undefined) throw new Error('A garden worker stopped with a non-error failure');
    },

    /** Lets running activities and workflow tasks finish, then stops every worker. */
    async stop(): Promise<void> {
      stopping = true;
      wake();
      for (const { worker } of running.values()) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      await Promise.all([...running.values()].map((entry) => entry.done));
    },
  };
}

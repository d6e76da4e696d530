import type { NativeConnection, State as WorkerState } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities/index.ts';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import { gardenStateOf, gardenTaskQueue, servedGardenStates } from '../domain/garden.ts';

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
  /**
   * Workflows each garden's worker keeps in memory between their tasks (the SDK's own default,
   * which grows with the process's heap, when absent). Sized from the pod's memory: see
   * `workflowCacheFor` in domain/garden-deployment.ts and bench/README.md (« Worker capacity »).
   */
  maxCachedWorkflows?: number | undefined;
  log: (message: string) => void;
  /** Makes a garden's worker; `Worker.create` unless a test needs a worker that fails. */
  createWorker?: (options: WorkerOptions) => Promise<GardenWorker>;
  /** How payloads are sealed (temporal/settings.ts `dataConverterFrom`): as the clients do. */
  dataConverter?: DataConverter | undefined;
}

/** What this module needs of a Temporal `Worker`. */
export type GardenWorker = Pick<Worker, 'run' | 'shutdown' | 'getState'>;

/** What the health probes read (`worker-health.ts`): garden ids and worker states only. */
export interface GardenWorkersStatus {
  /** The gardens this process must serve: `only`, else those of the last look; absent before the first. */
  expected: readonly string[] | undefined;
  /** Each started worker's state (`Worker.getState()`). */
  workers: readonly { gardenId: string; state: WorkerState }[];
  /** The garden whose worker stopped with an error (the process then stops every worker). */
  failedGarden: string | undefined;
  /** `stop` was called (SIGTERM) or a worker failed: the workers are finishing their tasks. */
  stopping: boolean;
}

/**
 * One worker per garden, each polling its garden's task queue, all in this process. Gardens
 * provisioned later are picked up without a restart; a garden is served from its creation
 * (`provisioning`) until it is retired, when its worker stops.
 */
export function createGardenWorkers(options: GardenWorkersOptions) {
  const createWorker =
    options.createWorker ?? ((workerOptions: WorkerOptions) => Worker.create(workerOptions));
  const running = new Map<string, { worker: GardenWorker; done: Promise<void> }>();
  /** Workers of gardens retired meanwhile, finishing their last tasks. */
  const stopped: Promise<void>[] = [];
  let stopping = false;
  let failure: unknown;
  let failedGarden: string | undefined;
  let expected: readonly string[] | undefined = options.only;
  /** Ends the wait between two looks for new gardens (on stop, so it is not a refresh late). */
  let wake: () => void = () => undefined;

  async function addMissingGardens(): Promise<void> {
    const gardens = (await options.gardens.list()).filter((garden) =>
      servedGardenStates.includes(gardenStateOf(garden)),
    );
    if (!options.only) expected = gardens.map((garden) => garden.id);
    // A garden retired since the last look: its workflows were closed by the retirement.
    for (const [gardenId, { worker, done }] of running) {
      if (gardens.some((garden) => garden.id === gardenId)) continue;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      running.delete(gardenId);
      stopped.push(done);
      options.log(`garden ${gardenId} retired: worker of ${gardenTaskQueue(gardenId)} stopped`);
    }
    for (const garden of gardens) {
      if (running.has(garden.id) || stopping) continue;
      if (options.only && !options.only.includes(garden.id)) continue;
      const worker = await createWorker({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: gardenTaskQueue(garden.id),
        workflowBundle: options.workflows,
        activities: options.activities,
        ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
        ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
      });
      const done = worker.run().catch((error: unknown) => {
        if (failure === undefined) {
          failure = error;
          failedGarden = garden.id;
        }
        // Without this the others would keep the process up until the next look for gardens.
        wake();
      });
      running.set(garden.id, { worker, done });
      options.log(`worker polling ${gardenTaskQueue(garden.id)}`);
    }
  }

  function shutdownAll(): void {
    for (const { worker } of running.values()) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  }

  return {
    gardens: () => [...running.keys()],

    status: (): GardenWorkersStatus => ({
      expected,
      workers: [...running].map(([gardenId, { worker }]) => ({ gardenId, state: worker.getState() })),
      failedGarden,
      stopping: stopping || failure !== undefined,
    }),

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
      if (failure !== undefined) {
        // One garden's worker failed: stop the others so that the process exits and restarts.
        options.log(`worker of ${gardenTaskQueue(failedGarden ?? '?')} failed, stopping the others…`);
        shutdownAll();
      }
      await Promise.all([...running.values()].map((entry) => entry.done));
      await Promise.all(stopped);
      if (failure instanceof Error) throw failure;
      if (failure !== undefined) throw new Error('A garden worker stopped with a non-error failure');
    },

    /** Lets running activities and workflow tasks finish, then stops every worker. */
    async stop(): Promise<void> {
      stopping = true;
      wake();
      shutdownAll();
      await Promise.all([...running.values()].map((entry) => entry.done));
      await Promise.all(stopped);
    },
  };
}

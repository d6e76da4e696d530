import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeConnection, Worker, type State } from '@temporalio/worker';
import type { Store } from '../adapters/store/index.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import {
  testActivities,
  testEnvironment,
  testGarden,
  testStore,
  uniqueGardenId,
} from '../tests/support/environment.ts';
import { workflowBundle } from '../tests/support/temporal.ts';
import { startWorkerProcess } from '../tests/support/worker-process.ts';
import { createGardenWorkers, type GardenWorker, type GardenWorkersOptions } from './garden-workers.ts';
import { liveness, readiness, startHealthServer } from './worker-health.ts';

async function probe(port: number, path: string, method = 'GET') {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

describe('health answers, from the workers’ status', () => {
  const running = (gardenId: string, state: State = 'RUNNING') => ({ gardenId, state });

  it('is ready only when every expected garden has a running worker, and not while stopping', () => {
    const status = { expected: ['a', 'b'], failedGarden: undefined, stopping: false };
    expect(readiness({ ...status, expected: undefined, workers: [] }).status).toBe(503);
    expect(readiness({ ...status, workers: [running('a')] })).toEqual({
      status: 503,
      body: { status: 'not ready', reason: 'gardens without a running worker: b (no worker yet)' },
    });
    expect(readiness({ ...status, workers: [running('a'), running('b', 'INITIALIZED')] }).body.reason).toBe(
      'gardens without a running worker: b (INITIALIZED)',
    );
    expect(readiness({ ...status, workers: [running('a'), running('b')] })).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
    expect(readiness({ ...status, stopping: true, workers: [running('a'), running('b')] }).status).toBe(503);
  });

  it('is live until a worker fails', () => {
    const status = { expected: ['a'], failedGarden: undefined, stopping: false };
    expect(liveness({ ...status, workers: [running('a', 'DRAINING')] }).status).toBe(200);
    expect(liveness({ ...status, workers: [running('a', 'FAILED')] })).toEqual({
      status: 503,
      body: { status: 'failed', reason: 'the worker of garden a failed' },
    });
    expect(liveness({ ...status, failedGarden: 'a', workers: [running('a', 'STOPPED')] }).status).toBe(503);
  });
});

/** The worker process's health probes, with real workers on the local Temporal dev server. */
describe('worker health probes', () => {
  let store: Store;
  let connection: NativeConnection;
  let common: Omit<GardenWorkersOptions, 'only' | 'refreshIntervalMs'>;

  beforeAll(async () => {
    store = await testStore();
    connection = await NativeConnection.connect({ address: testEnvironment().TEMPORAL_ADDRESS });
    common = {
      connection,
      namespace: testEnvironment().TEMPORAL_NAMESPACE ?? 'cocagne',
      activities: testActivities(store),
      workflows: await workflowBundle(),
      gardens: store.gardens,
      log: () => undefined,
    };
  });
  afterAll(async () => {
    await connection?.close();
    store?.close();
  });

  it('are ready only once every garden’s worker runs, and not ready from the start of shutdown', async () => {
    const first = uniqueGardenId('health');
    const second = uniqueGardenId('health');
    await store.gardens.register(testGarden(first));
    const workers = createGardenWorkers({ ...common, only: [first, second], refreshIntervalMs: 200 });
    const health = await startHealthServer({ port: 0, host: '127.0.0.1', status: () => workers.status() });
    try {
      expect(await probe(health.port, '/readyz')).toMatchObject({ status: 503 });
      expect(await probe(health.port, '/livez')).toEqual({ status: 200, body: { status: 'ok' } });

      const run = workers.run();
      // The first garden's worker runs; the second garden is not registered yet.
      await expect.poll(() => workers.gardens(), { timeout: 30_000 }).toEqual([first]);
      await expect.poll(() => workers.status().workers[0]?.state, { timeout: 30_000 }).toBe('RUNNING');
      expect(await probe(health.port, '/readyz')).toEqual({
        status: 503,
        body: { status: 'not ready', reason: `gardens without a running worker: ${second} (no worker yet)` },
      });

      await store.gardens.register(testGarden(second));
      await expect
        .poll(async () => (await probe(health.port, '/readyz')).status, { timeout: 30_000 })
        .toBe(200);
      expect(await probe(health.port, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });

      const stopped = workers.stop();
      // From the moment shutdown begins, before the workers have finished.
      expect(await probe(health.port, '/readyz')).toEqual({
        status: 503,
        body: { status: 'not ready', reason: 'stopping: finishing current tasks' },
      });
      expect((await probe(health.port, '/livez')).status).toBe(200);
      await stopped;
      await expect(run).resolves.toBeUndefined();
      expect((await probe(health.port, '/readyz')).status).toBe(503);
    } finally {
      await health.close();
    }
  });

  it('are not live once a garden’s worker has failed, and the others stop', async () => {
    const healthy = uniqueGardenId('health');
    const failing = uniqueGardenId('health');
    await store.gardens.register(testGarden(healthy));
    await store.gardens.register(testGarden(failing));
    // No real worker can be made to fail on demand against the dev server: the failing garden's
    // worker is a stand-in whose run() rejects, as Worker.run() does when the worker fails.
    let failingState: State = 'INITIALIZED';
    let fail: (error: Error) => void = () => undefined;
    const standIn: GardenWorker = {
      getState: () => failingState,
      shutdown: () => undefined,
      run: () =>
        new Promise<void>((_, reject) => {
          failingState = 'RUNNING';
          fail = (error) => {
            failingState = 'FAILED';
            reject(error);
          };
        }),
    };
    const workers = createGardenWorkers({
      ...common,
      only: [healthy, failing],
      refreshIntervalMs: 60 * 60_000,
      createWorker: (options) =>
        options.taskQueue === gardenTaskQueue(failing) ? Promise.resolve(standIn) : Worker.create(options),
    });
    const health = await startHealthServer({ port: 0, host: '127.0.0.1', status: () => workers.status() });
    try {
      const run = workers.run();
      await expect
        .poll(async () => (await probe(health.port, '/readyz')).status, { timeout: 30_000 })
        .toBe(200);

      fail(new Error('poller failed'));
      await expect(run).rejects.toThrow('poller failed');
      expect(await probe(health.port, '/livez')).toEqual({
        status: 503,
        body: { status: 'failed', reason: `the worker of garden ${failing} failed` },
      });
      expect((await probe(health.port, '/readyz')).status).toBe(503);
      // Listed in garden id order (random ids here): compared as a set.
      expect(workers.status().workers).toHaveLength(2);
      expect(workers.status().workers).toEqual(
        expect.arrayContaining([
          { gardenId: healthy, state: 'STOPPED' },
          { gardenId: failing, state: 'FAILED' },
        ]),
      );
    } finally {
      await health.close();
    }
  });

  it('answer 404 to any other path or method', async () => {
    const workers = createGardenWorkers({ ...common, only: ['t-none'], refreshIntervalMs: 60_000 });
    const health = await startHealthServer({ port: 0, host: '127.0.0.1', status: () => workers.status() });
    try {
      expect(await probe(health.port, '/')).toEqual({ status: 404, body: { status: 'not found' } });
      expect((await probe(health.port, '/livez/extra')).status).toBe(404);
      expect((await probe(health.port, '/healthz')).status).toBe(404);
      expect((await probe(health.port, '/livez', 'POST')).status).toBe(404);
      expect((await probe(health.port, '/readyz?verbose=1')).status).toBe(503);
    } finally {
      await health.close();
    }
  });
});

/**
 * The TCP addresses a process listens on (`127.0.0.1:8081`, `0.0.0.0:8081`), from Linux's /proc:
 * its sockets in LISTEN state, IPv4 only (the worker opens no IPv6 socket).
 */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The descriptor closed while being read.
    }
  }
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (!local || state !== '0A' || !inode || !inodes.has(inode)) continue;
      const [host = '', port = ''] = local.split(':');
      // IPv4 in /proc/net/tcp: the address's bytes in little-endian hex.
      const ip =
        host.length === 8
          ? (host.match(/../g) ?? [])
              .map((byte) => Number.parseInt(byte, 16))
              .reverse()
              .join('.')
          : host;
      addresses.push(`${ip}:${Number.parseInt(port, 16)}`);
    }
  }
  return addresses;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('the worker process', () => {
  let store: Store;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    store?.close();
  });

  it('serves the probes on WORKER_HEALTH_PORT, on loopback unless told', async () => {
    const gardenId = uniqueGardenId('health-process');
    await store.gardens.register(testGarden(gardenId));
    const port = await freePort();
    const { child, output } = await startWorkerProcess(gardenId, { WORKER_HEALTH_PORT: String(port) });
    children.push(child);
    expect(output()).toContain(`health probes on http://127.0.0.1:${port} (/livez, /readyz)`);
    await expect.poll(async () => (await probe(port, '/readyz')).status, { timeout: 30_000 }).toBe(200);
    expect(await probe(port, '/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(listeningAddresses(child.pid ?? 0)).toEqual([`127.0.0.1:${port}`]);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('listens on every address with WORKER_HEALTH_HOST=0.0.0.0, as in a garden’s pod', async () => {
    const gardenId = uniqueGardenId('health-process');
    await store.gardens.register(testGarden(gardenId));
    const port = await freePort();
    const { child } = await startWorkerProcess(gardenId, {
      WORKER_HEALTH_PORT: String(port),
      WORKER_HEALTH_HOST: '0.0.0.0',
    });
    children.push(child);
    expect(listeningAddresses(child.pid ?? 0)).toEqual([`0.0.0.0:${port}`]);
    await expect.poll(async () => (await probe(port, '/readyz')).status, { timeout: 30_000 }).toBe(200);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('opens no port without WORKER_HEALTH_PORT', async () => {
    const gardenId = uniqueGardenId('health-process');
    await store.gardens.register(testGarden(gardenId));
    const { child, output } = await startWorkerProcess(gardenId, { WORKER_HEALTH_PORT: '' });
    children.push(child);
    expect(listeningAddresses(child.pid ?? 0)).toEqual([]);
    expect(output()).not.toContain('health probes');

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});

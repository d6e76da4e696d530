import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GardenWorkersStatus } from './garden-workers.ts';

/** A probe's answer: the status code and a short JSON body (garden ids and worker states only). */
export interface ProbeAnswer {
  status: 200 | 503;
  body: { status: 'ok' | 'failed' | 'ready' | 'not ready'; reason?: string };
}

/**
 * `/livez`: the process answers and no garden worker has failed. A worker that failed makes the
 * process stop the others and exit, so the kubelet restarts the pod; until then the probe says so.
 */
export function liveness(status: GardenWorkersStatus): ProbeAnswer {
  const failed = status.failedGarden ?? status.workers.find((worker) => worker.state === 'FAILED')?.gardenId;
  if (failed !== undefined) {
    return { status: 503, body: { status: 'failed', reason: `the worker of garden ${failed} failed` } };
  }
  return { status: 200, body: { status: 'ok' } };
}

/**
 * `/readyz`: every garden this process serves has a worker polling its task queue. Not ready
 * before that (the first look for gardens, a garden not registered yet) nor from SIGTERM on,
 * while the workers finish their tasks.
 */
export function readiness(status: GardenWorkersStatus): ProbeAnswer {
  const notReady = (reason: string): ProbeAnswer => ({ status: 503, body: { status: 'not ready', reason } });
  if (status.stopping) return notReady('stopping: finishing current tasks');
  if (status.expected === undefined) return notReady('looking for the gardens to serve');
  const states = new Map(status.workers.map((worker) => [worker.gardenId, worker.state]));
  const waiting = status.expected.filter((gardenId) => states.get(gardenId) !== 'RUNNING');
  if (waiting.length > 0) {
    const described = waiting.map((gardenId) => `${gardenId} (${states.get(gardenId) ?? 'no worker yet'})`);
    return notReady(`gardens without a running worker: ${described.join(', ')}`);
  }
  return { status: 200, body: { status: 'ready' } };
}

export interface HealthServerOptions {
  port: number;
  /** 127.0.0.1 by default; a pod sets 0.0.0.0 so that the kubelet reaches it on the pod's address. */
  host: string;
  status: () => GardenWorkersStatus;
}

/** Serves `GET /livez` and `GET /readyz` (node:http, no framework); anything else is 404. */
export async function startHealthServer(
  options: HealthServerOptions,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const probe = path === '/livez' ? liveness : path === '/readyz' ? readiness : undefined;
    const reading = request.method === 'GET' || request.method === 'HEAD';
    const answer: ProbeAnswer | { status: 404; body: { status: string } } =
      probe && reading ? probe(options.status()) : { status: 404, body: { status: 'not found' } };
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

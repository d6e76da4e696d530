import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerReply, WorkerRequest } from './extension-protocol.ts';
import { startBrowserExtension } from './browser-extension.ts';

/** A worker that answers as the script tells it, or never (a module spinning). */
class FakeWorker extends EventTarget {
  terminated = false;
  readonly requests: WorkerRequest[] = [];
  readonly answer: (request: WorkerRequest) => WorkerReply | undefined;
  constructor(answer: (request: WorkerRequest) => WorkerReply | undefined) {
    super();
    this.answer = answer;
  }
  postMessage(request: WorkerRequest): void {
    this.requests.push(request);
    const reply = this.answer(request);
    if (reply && !this.terminated)
      queueMicrotask(() => this.dispatchEvent(new MessageEvent('message', { data: reply })));
  }
  terminate(): void {
    this.terminated = true;
  }
}

const wasm = () => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]).buffer;

function start(answer: (request: WorkerRequest) => WorkerReply | undefined, failures: string[] = []) {
  const worker = new FakeWorker(answer);
  const started = startBrowserExtension(wasm(), {
    createWorker: () => worker as unknown as Worker,
    limits: { callBudgetMs: 250, loadBudgetMs: 1000 },
    onFailure: (message) => failures.push(message),
  });
  return { worker, started };
}

describe('an extension run in the browser', () => {
  afterEach(() => vi.useRealTimers());

  it('loads the module in its worker and answers calls with the parsed output', async () => {
    const { worker, started } = start((request) =>
      request.type === 'load'
        ? { type: 'ready' }
        : {
            type: 'result',
            id: request.id,
            output: JSON.stringify({ echo: JSON.parse(request.input) as unknown }),
          },
    );
    const extension = await started;
    expect(await extension!.call('sign_up_checks', { answers: {} })).toEqual({ echo: { answers: {} } });
    expect(worker.requests.map((request) => request.type)).toEqual(['load', 'call']);
    expect(extension!.alive).toBe(true);
  });

  it('stops the worker of a call past its budget: later calls answer nothing at once', async () => {
    vi.useFakeTimers();
    const failures: string[] = [];
    const { worker, started } = start(
      (request) => (request.type === 'load' ? { type: 'ready' } : undefined),
      failures,
    );
    const extension = await started;
    const call = extension!.call('sign_up_checks', {});
    await vi.advanceTimersByTimeAsync(249);
    expect(worker.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await call).toBeUndefined();
    expect(worker.terminated).toBe(true);
    expect(extension!.alive).toBe(false);
    expect(failures).toEqual(['sign_up_checks took over 250 ms: stopped']);
    expect(await extension!.call('sign_up_checks', {})).toBeUndefined();
    expect(worker.requests.filter((request) => request.type === 'call')).toHaveLength(1);
  });

  it('gives nothing for a call that traps or answers no JSON, and keeps the instance for the next', async () => {
    const failures: string[] = [];
    let calls = 0;
    const { started } = start((request) => {
      if (request.type === 'load') return { type: 'ready' };
      calls += 1;
      if (calls === 1) return { type: 'failed', id: request.id, message: 'unreachable' };
      if (calls === 2) return { type: 'result', id: request.id, output: 'not json' };
      return { type: 'result', id: request.id, output: '{"fields":[]}' };
    }, failures);
    const extension = await started;
    expect(await extension!.call('sign_up_checks', {})).toBeUndefined();
    expect(await extension!.call('sign_up_checks', {})).toBeUndefined();
    expect(await extension!.call('sign_up_checks', {})).toEqual({ fields: [] });
    expect(extension!.alive).toBe(true);
    expect(failures).toEqual([
      'sign_up_checks failed: unreachable',
      'sign_up_checks answered something that is not JSON',
    ]);
  });

  it('gives up on a module that does not load, or loads too slowly, and on one too large', async () => {
    const failures: string[] = [];
    const refused = start(() => ({ type: 'failed', message: 'no memory exported' }), failures);
    expect(await refused.started).toBeUndefined();
    expect(refused.worker.terminated).toBe(true);

    vi.useFakeTimers();
    const slow = start(() => undefined, failures);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await slow.started).toBeUndefined();
    expect(slow.worker.terminated).toBe(true);
    vi.useRealTimers();

    const huge = await startBrowserExtension(new ArrayBuffer(5 * 1024 * 1024), {
      createWorker: () => {
        throw new Error('no worker should start');
      },
      onFailure: (message) => failures.push(message),
    });
    expect(huge).toBeUndefined();
    expect(failures).toEqual([
      'loading the module failed: no memory exported',
      'loading the module took over 1000 ms: stopped',
      'module of 5242880 bytes: too large',
    ]);
  });
});

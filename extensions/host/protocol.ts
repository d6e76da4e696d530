// Messages between the host (main thread) and an instance's worker thread, and the kinds of
// failure the host records.

/** Why a call fell back to the built-in behaviour. */
export type FailureKind =
  | 'timeout' // over the time budget: the worker was stopped
  | 'memory' // over the memory limit (linear memory at its maximum, or the kernel's allocations)
  | 'trap' // the module trapped (unreachable, out of bounds, abort, exit…)
  | 'module-error' // the module reported an error (Extism error_set)
  | 'output-too-large'
  | 'input-too-large'
  | 'invalid-output' // not JSON, or not valid against the hook's output schema
  | 'crashed' // the worker thread died (JavaScript heap limit…)
  | 'load-failed' // the module could not be instantiated or started
  | 'busy'; // every instance of the pool stayed busy past the time budget

export interface InstanceLimits {
  /** Maximum linear memory, in 64 KiB pages, written into the module. */
  maxPages: number;
  inputBytes: number;
  outputBytes: number;
  /** Bytes the module may take from the Extism kernel in one call (its input included). */
  kernelBytes: number;
  /** Log lines kept per call (host log_line, Extism log_*, stdout/stderr). */
  logLines: number;
}

export interface InitMessage {
  type: 'init';
  module: WebAssembly.Module;
  limits: InstanceLimits;
  /** The call channel (see below), shared with the host. */
  channel: SharedArrayBuffer;
}

/** Replies to `init`; calls then go through the shared channel, not messages. */
export type WorkerReply = { type: 'ready' } | { type: 'load-failed'; message: string };

// A call goes through a SharedArrayBuffer, not postMessage (half the round trip, measured): the
// host writes the request and sets `state` to `request`; the worker, blocked in Atomics.wait,
// runs the call, writes the response and sets `done`; the host, in Atomics.waitAsync with the
// time budget as its timeout, reads it and sets `idle`.
//   request:  [export name][input JSON][settings JSON, when changed]
//   response: [output][extra JSON: { logs } or { kind, message, logs }]

/** Int32 slots of the channel's header. */
export const slot = {
  state: 0,
  exportLength: 1,
  inputLength: 2,
  /** -1: unchanged since this instance's last call. */
  settingsLength: 3,
  /** -1: the call failed (the extra says how). */
  outputLength: 4,
  extraLength: 5,
} as const;

export const channelState = { idle: 0, request: 1, done: 2 } as const;

export const channelHeaderBytes = 32;
export const exportNameMaxBytes = 256;
export const settingsMaxBytes = 64 * 1024;
export const extraMaxBytes = 128 * 1024;

/** Bytes of a channel for these limits. */
export function channelBytes(limits: InstanceLimits): number {
  return (
    channelHeaderBytes +
    Math.max(exportNameMaxBytes + limits.inputBytes + settingsMaxBytes, limits.outputBytes + extraMaxBytes)
  );
}

/** What follows the output in a response. */
export interface ResponseExtra {
  logs?: string[];
  kind?: FailureKind;
  message?: string;
}

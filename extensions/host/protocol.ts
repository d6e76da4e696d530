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
}

export interface CallMessage {
  type: 'call';
  export: string;
  input: string;
  /** The garden's published settings as JSON, when changed since this instance's last call. */
  settings?: string;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'load-failed'; message: string }
  | { type: 'output'; output: string; logs: string[] }
  | { type: 'failed'; kind: FailureKind; message: string; logs: string[] };

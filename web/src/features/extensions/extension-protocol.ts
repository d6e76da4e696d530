// Messages between the page and an extension's Web Worker (extension-worker.ts).

export type WorkerRequest =
  { type: 'load'; wasm: ArrayBuffer } | { type: 'call'; id: number; exportName: string; input: string };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; output: string }
  | { type: 'failed'; id?: number; message: string };

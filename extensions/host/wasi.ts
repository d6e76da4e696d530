// A WASI preview 1 that gives a module nothing: no files, no sockets, no environment, no
// arguments. Go's runtime needs a few calls to start (clock, random, stdio status): those are
// answered; stdout and stderr become log lines; every other function answers "not capable".
// Extism's own WASI (node:wasi) is not used: it opens /dev/null handles per plugin that Node 26
// treats as a fatal error when they are garbage-collected unclosed (measured), and it is not
// meant as a sandbox.

const errno = { success: 0, badf: 8, inval: 28, nosys: 52, notcapable: 76 } as const;

export class ProcExit extends Error {
  override name = 'ProcExit';
  readonly code: number;
  constructor(code: number) {
    super(`The module exited with code ${code}.`);
    this.code = code;
  }
}

export interface WasiContext {
  /** The instance's memory, once instantiated. */
  memory: () => WebAssembly.Memory | undefined;
  /** What the module writes to stdout or stderr, as text. */
  output: (text: string) => void;
}

type WasiFunction = (...args: (number | bigint)[]) => number | undefined;

/** What poll_oneoff sleeps on: nobody ever wakes it, its timeout does. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The preview 1 functions for the names the module imports (any name: deny by default). */
export function deniedWasi(
  importNames: readonly string[],
  context: WasiContext,
): Record<string, WasiFunction> {
  const view = () => new DataView(context.memory()!.buffer);
  const bytes = () => new Uint8Array(context.memory()!.buffer);
  const known: Record<string, WasiFunction> = {
    args_sizes_get: (argc, size) => (
      view().setUint32(Number(argc), 0, true),
      view().setUint32(Number(size), 0, true),
      0
    ),
    args_get: () => errno.success,
    environ_sizes_get: (count, size) => (
      view().setUint32(Number(count), 0, true),
      view().setUint32(Number(size), 0, true),
      0
    ),
    environ_get: () => errno.success,
    clock_res_get: (_id, resolution) => (view().setBigUint64(Number(resolution), 1000n, true), 0),
    clock_time_get: (id, _precision, time) => {
      const now = Number(id) === 0 ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
      view().setBigUint64(Number(time), now, true);
      return errno.success;
    },
    random_get: (buffer, length) => {
      const target = bytes().subarray(Number(buffer), Number(buffer) + Number(length));
      for (let offset = 0; offset < target.length; offset += 65_536) {
        crypto.getRandomValues(target.subarray(offset, offset + 65_536));
      }
      return errno.success;
    },
    fd_write: (fd, iovs, count, written) => {
      if (fd !== 1 && fd !== 2) return errno.badf;
      const memory = view();
      let total = 0;
      let text = '';
      for (let i = 0; i < Number(count); i++) {
        const base = Number(iovs) + i * 8;
        const pointer = memory.getUint32(base, true);
        const length = memory.getUint32(base + 4, true);
        if (text.length < 4096) {
          text += new TextDecoder().decode(bytes().subarray(pointer, pointer + Math.min(length, 4096)));
        }
        total += length;
      }
      context.output(text);
      memory.setUint32(Number(written), total, true);
      return errno.success;
    },
    fd_fdstat_get: (fd, stat) => {
      if (Number(fd) > 2) return errno.badf;
      const memory = view();
      memory.setUint8(Number(stat), 2); // character device
      memory.setUint16(Number(stat) + 2, 0, true);
      memory.setBigUint64(Number(stat) + 8, 0n, true);
      memory.setBigUint64(Number(stat) + 16, 0n, true);
      return errno.success;
    },
    fd_fdstat_set_flags: (fd) => (Number(fd) > 2 ? errno.badf : errno.success),
    fd_close: (fd) => (Number(fd) > 2 ? errno.badf : errno.success),
    // No preopened directory: the module has no file system at all.
    fd_prestat_get: () => errno.badf,
    fd_prestat_dir_name: () => errno.badf,
    sched_yield: () => errno.success,
    // Go's runtime sleeps through here (its scheduler, and before it exits on a panic): clock
    // subscriptions sleep for real, in this worker thread (the time budget still holds); file
    // descriptors have nothing to wait for.
    poll_oneoff: (subscriptions, events, count, eventCount) => {
      const memory = view();
      let sleepNs = 0n;
      for (let i = 0; i < Number(count); i++) {
        const subscription = Number(subscriptions) + i * 48;
        const event = Number(events) + i * 32;
        const isClock = memory.getUint8(subscription + 8) === 0;
        if (isClock) {
          const timeout = memory.getBigUint64(subscription + 24, true);
          const absolute = (memory.getUint16(subscription + 40, true) & 1) === 1;
          const wait = absolute ? timeout - process.hrtime.bigint() : timeout;
          if (wait > sleepNs) sleepNs = wait;
        }
        memory.setBigUint64(event, memory.getBigUint64(subscription, true), true);
        memory.setUint16(event + 8, isClock ? errno.success : errno.badf, true);
        memory.setUint8(event + 10, memory.getUint8(subscription + 8));
        memory.setBigUint64(event + 16, 0n, true);
        memory.setUint16(event + 24, 0, true);
      }
      if (sleepNs > 0n) Atomics.wait(sleeper, 0, 0, Number(sleepNs / 1000n) / 1000);
      memory.setUint32(Number(eventCount), Number(count), true);
      return errno.success;
    },
    proc_exit: (code) => {
      throw new ProcExit(Number(code));
    },
  };
  return Object.fromEntries(importNames.map((name) => [name, known[name] ?? (() => errno.notcapable)]));
}

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { testEnvironment } from '../support/environment.ts';
import type { startTcpProxy } from '../support/tcp-proxy.ts';
import type { Fault } from './chaos-run.ts';

const entry = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * One of the application's processes (the API or the worker), run as production runs it, with
 * the test environment and `env` on top; `ready` tells from its output or by probing when it
 * serves. As a `Fault`, it is killed with SIGKILL and started again the same way.
 */
export function appProcess(options: {
  name: string;
  file: string;
  env: Record<string, string>;
  ready: (output: string) => boolean | Promise<boolean>;
  /** Where all its output also goes (a run's processes, each start after the last). */
  logFile?: string;
}): Fault & { start(): Promise<void>; stop(): Promise<void>; output(): string } {
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    output = '';
    if (options.logFile)
      appendFileSync(options.logFile, `\n===== ${new Date().toISOString()} ${options.name} starts\n`);
    const started = spawn(process.execPath, [entry(options.file)], {
      env: { ...process.env, ...testEnvironment(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const keep = (chunk: Buffer) => {
      // The last 20 kB are enough to tell why it did not start.
      output = (output + chunk.toString()).slice(-20_000);
      if (options.logFile) appendFileSync(options.logFile, chunk);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    const deadline = Date.now() + 120_000;
    while (!(await options.ready(output))) {
      if (started.exitCode !== null || started.signalCode !== null)
        throw new Error(`${options.name} exited while starting:\n${output}`);
      if (Date.now() > deadline) throw new Error(`${options.name} did not start within 120 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function kill(): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  }

  return { name: options.name, start, kill, restart: start, stop: kill, output: () => output };
}

/** A peer cut off from the application's processes (connections dropped and refused), then back. */
export function cutOff(name: string, proxy: Awaited<ReturnType<typeof startTcpProxy>>): Fault {
  return {
    name,
    kill: () => Promise.resolve(proxy.cut()),
    restart: () => Promise.resolve(proxy.restore()),
  };
}

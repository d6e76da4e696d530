import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gardenTaskQueue } from '../../domain/garden.ts';
import { testEnvironment } from './environment.ts';

const workerMain = fileURLToPath(new URL('../../temporal/worker-main.ts', import.meta.url));

/**
 * Starts the real worker process (temporal/worker-main.ts) for one garden, with the test
 * environment and `env` on top; resolves once it polls the garden's task queue, with what it
 * has printed so far and since.
 */
export async function startWorkerProcess(
  gardenId: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [workerMain], {
    env: { ...process.env, ...testEnvironment(), WORKER_GARDENS: gardenId, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`worker polling ${gardenTaskQueue(gardenId)}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}):\n${output}`)));
  });
  return { child, output: () => output };
}

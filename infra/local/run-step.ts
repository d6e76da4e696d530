import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { rootDir } from './paths.ts';

let current: ChildProcess | undefined;
/** Commands run side by side, their output kept (see runQuietStep). */
const quiet = new Set<ChildProcess>();

/** The project's own copy of a CLI from node_modules/.bin, else the name as is (PATH). */
export function projectBin(name: string): string {
  const local = join(rootDir, 'node_modules', '.bin', name);
  return existsSync(local) ? local : name;
}

/** Runs a command in the foreground, output streamed to this terminal; resolves its exit code. */
export function runStep(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: rootDir, env, stdio: 'inherit' });
    current = child;
    child.once('error', (err) => {
      console.error(`${command}: ${err.message}`);
      resolvePromise(127);
    });
    child.once('exit', (code, signal) => {
      current = undefined;
      resolvePromise(code ?? (signal ? 128 + 15 : 1));
    });
  });
}

/**
 * Runs a command beside others, its output (stdout and stderr, interleaved as they came) kept
 * to be shown whole when it ends, so that two steps' lines never mix on the terminal.
 */
export function runQuietStep(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { niceness?: number } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: rootDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (options.niceness && child.pid !== undefined) {
      try {
        setPriority(child.pid, options.niceness);
      } catch {
        // Left at normal priority where the system refuses: only slower, never wrong.
      }
    }
    quiet.add(child);
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', (err) => {
      quiet.delete(child);
      resolvePromise({ code: 127, output: `${command}: ${err.message}\n` });
    });
    child.once('close', (code, signal) => {
      quiet.delete(child);
      resolvePromise({
        code: code ?? (signal ? 128 + 15 : 1),
        output: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
}

/** Ends the foreground command and those run side by side, if any (on Ctrl-C). */
export function stopCurrentStep(): void {
  current?.kill('SIGTERM');
  for (const child of quiet) child.kill('SIGTERM');
}

/** Ends the foreground command alone (the tests, when a check beside them failed). */
export function stopForegroundStep(): void {
  current?.kill('SIGTERM');
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rootDir } from './paths.ts';

let current: ChildProcess | undefined;

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

/** Ends the foreground command, if any (on Ctrl-C). */
export function stopCurrentStep(): void {
  current?.kill('SIGTERM');
}

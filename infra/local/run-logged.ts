import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatLogTail } from './log-tail.ts';
import { UserFacingError } from './log.ts';

export interface RunLoggedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** File receiving stdout and stderr (appended). */
  logPath: string;
  /** Stops the command and its children (a build's compilers) when aborted. */
  signal?: AbortSignal;
  /** A lower priority (the command's children inherit it), for an install beside the tests. */
  niceness?: number;
}

/** Runs a command to completion with its output in a log file; fails with the log tail. */
export async function runLogged(
  command: string,
  args: readonly string[],
  options: RunLoggedOptions,
): Promise<void> {
  mkdirSync(dirname(options.logPath), { recursive: true });
  const fd = openSync(options.logPath, 'a');
  try {
    const code = await new Promise<number | string>((resolvePromise) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', fd, fd],
        // Its own process group, so that an abort stops its children too.
        detached: options.signal !== undefined,
      });
      if (options.niceness && child.pid !== undefined) {
        try {
          setPriority(child.pid, options.niceness);
        } catch {
          // Left at normal priority where the system refuses: only slower, never wrong.
        }
      }
      const abort = () => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      };
      if (options.signal?.aborted) abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      child.once('error', (err) => resolvePromise(err.message));
      child.once('exit', (exitCode, signal) => {
        options.signal?.removeEventListener('abort', abort);
        resolvePromise(exitCode ?? `signal ${signal}`);
      });
    });
    if (code !== 0) {
      throw new UserFacingError(
        `${command} ${args.join(' ')} failed (${typeof code === 'number' ? `exit code ${code}` : code}).\n${formatLogTail(options.logPath)}`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

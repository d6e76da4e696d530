import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatLogTail } from './log-tail.ts';
import { UserFacingError } from './log.ts';

export interface RunLoggedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** File receiving stdout and stderr (appended). */
  logPath: string;
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
      });
      child.once('error', (err) => resolvePromise(err.message));
      child.once('exit', (exitCode, signal) => resolvePromise(exitCode ?? `signal ${signal}`));
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

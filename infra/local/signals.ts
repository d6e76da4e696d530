import { warn } from './log.ts';

let requestedExitCode: number | undefined;

/** The exit code chosen by a shutdown signal, once one was received. */
export const shutdownExitCode = (): number | undefined => requestedExitCode;

/**
 * Runs `cleanup` once on the first SIGINT or SIGTERM (Ctrl-C), then exits with `exitCode`.
 * A second signal exits at once.
 */
export function onShutdownSignal(cleanup: () => Promise<void>, exitCode: number): void {
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      warn(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    shuttingDown = true;
    requestedExitCode = exitCode;
    warn(`${signal}: stopping…`);
    cleanup().then(
      () => process.exit(exitCode),
      (err: unknown) => {
        warn(`Stopping failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

// Command line of the local stack manager, run by infra/local/bin/cocagne:
//   start | test [vitest args] | install | stack up|down|status|logs <service> [-f] | audit-verify
import { spawnSync } from 'node:child_process';
import { error, UserFacingError } from './log.ts';
import { stackDown, stackLogs, stackStatus, stackUp } from './stack.ts';
import { shutdownExitCode } from './signals.ts';
import { stopStarted } from './supervisor.ts';
import { installTools } from './tools.ts';

const usage = `Usage: infra/local/bin/cocagne <command>
  start                         install tools, start the stack and the application (Ctrl-C stops)
  test [vitest args]            lint, typecheck and tests against the local stack
  install                       install the tools only
  stack up [--app]              start the local services in the background; with --app, the
                                API and the worker too (again: starts only what is not running)
  stack down                    stop what this project started
  stack status                  show each service
  stack logs <service> [-f]     show (or follow) a service's log
  audit-verify --garden <id>|--network|--all
                                check the staff action log's hash chain on the local stack
                                (adapters/store/verify-action-log.ts; elsewhere, run that with
                                the deployment's settings)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    // start and test load the application's provisioning code: imported only when needed, so that
    // `stack` and `install` work whatever state that code is in.
    case 'start':
      await (await import('./start.ts')).start();
      return 0; // Keeps running until Ctrl-C (handled in start.ts).
    case 'test':
      return (await import('./test-run.ts')).runTests(rest);
    case 'install':
      await installTools({ chromium: 'required', xmllint: 'required', infraChecks: 'required' });
      return 0;
    case 'stack': {
      const [sub, ...args] = rest;
      if (sub === 'up') await stackUp({ app: args.includes('--app') });
      else if (sub === 'down') await stackDown();
      else if (sub === 'status') await stackStatus();
      else if (sub === 'logs')
        await stackLogs(
          args.find((a) => !a.startsWith('-')),
          args.includes('-f') || args.includes('--follow'),
        );
      else {
        console.error(usage);
        return 2;
      }
      return 0;
    }
    case 'audit-verify': {
      // The local stack's settings, unless the caller's environment says otherwise.
      const { localEnvironment } = await import('./environment.ts');
      const { rootDir } = await import('./paths.ts');
      const checked = spawnSync(process.execPath, ['adapters/store/verify-action-log.ts', ...rest], {
        cwd: rootDir,
        stdio: 'inherit',
        env: { ...localEnvironment(), ...process.env },
      });
      return checked.status ?? 1;
    }
    default:
      console.error(usage);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const signalled = shutdownExitCode();
  if (signalled !== undefined) {
    // Ctrl-C: the signal handler is stopping what was started; wait for it, then exit quietly.
    await stopStarted();
    process.exit(signalled);
  }
  if (err instanceof UserFacingError) error(err.message);
  else error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  // Stop what this command started before failing (a failed `start`, for one).
  await stopStarted();
  process.exit(1);
}

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { elapsed, say } from './log.ts';
import { toolsDir } from './paths.ts';

/** One idempotent install step: skipped while its stamp matches the pin and its files exist. */
export interface InstallStep {
  /** Short name, also the stamp's file name. */
  name: string;
  /** What is pinned, e.g. "versitygw v1.8.0"; a change of pin reinstalls. */
  pin: string;
  /** Whether the installed files are present (checked besides the stamp). */
  present: () => boolean;
  /** Checks what the install needs (throws a UserFacingError with what to install). */
  prerequisites?: () => void;
  install: (progress: (line: string) => void) => Promise<void>;
  /** When false, a failure is reported as a warning and the other steps go on. */
  required?: boolean;
  /** Steps without stamp (system packages) rely on present() alone. */
  stamped?: boolean;
}

const stampsDir = join(toolsDir, 'stamps');
const stampPath = (name: string): string => join(stampsDir, name);

function readStamp(name: string): string | undefined {
  try {
    return readFileSync(stampPath(name), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function isUpToDate(step: InstallStep): boolean {
  return step.present() && (step.stamped === false || readStamp(step.name) === step.pin);
}

/** Runs one step unless up to date, printing what it does with elapsed seconds. */
export async function runInstallStep(step: InstallStep): Promise<void> {
  if (isUpToDate(step)) {
    say(`✓ ${step.pin} (installed)`);
    return;
  }
  const start = performance.now();
  say(`… installing ${step.pin}`);
  rmSync(stampPath(step.name), { force: true });
  await step.install((line) => say(`  ${step.name}: ${line} (${elapsed(start)})`));
  if (!step.present()) throw new Error(`${step.pin} was installed but its files are missing.`);
  if (step.stamped !== false) {
    mkdirSync(stampsDir, { recursive: true });
    writeFileSync(stampPath(step.name), `${step.pin}\n`);
  }
  say(`✓ ${step.pin} installed (${elapsed(start)})`);
}

export const filesExist =
  (...paths: string[]) =>
  (): boolean =>
    paths.every((path) => existsSync(path));

import { join, resolve } from 'node:path';

/** The repository root: infra/local/ is two levels below it. */
export const rootDir = resolve(import.meta.dirname, '..', '..');

/** Where everything is installed (git-ignored) and where everything is stored (git-ignored). */
export const toolsDir = join(rootDir, '.tools');
export const dataDir = join(rootDir, '.data');
export const logsDir = join(dataDir, 'logs');
export const venvDir = join(toolsDir, 'venv');
/** The production infrastructure's checkers (cfn-lint, checkov, hadolint), apart from the services' venv. */
export const infraVenvDir = join(toolsDir, 'venv-iac');
/** The CRDs of Flux's controllers and Flagger, one folder per module. */
export const fluxCrdsDir = join(toolsDir, 'flux-crds');
export const goBinDir = join(toolsDir, 'bin');
export const goHomeDir = join(toolsDir, 'go');
export const downloadsDir = join(toolsDir, 'downloads');

/** The state file listing the processes this project started (see state.ts). */
export const stackStateFile = join(dataDir, 'stack.json');

export const logFile = (service: string): string => join(logsDir, `${service}.log`);
export const venvBin = (name: string): string => join(venvDir, 'bin', name);
export const infraVenvBin = (name: string): string => join(infraVenvDir, 'bin', name);
export const goBin = (name: string): string => join(goBinDir, name);

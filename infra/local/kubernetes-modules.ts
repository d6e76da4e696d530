// The Go modules the local Kubernetes API server and etcd are built from (infra/local/kubernetes/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserFacingError } from './log.ts';
import { rootDir } from './paths.ts';
import type { kubernetesPrograms } from './versions.ts';

export type KubernetesProgram = (typeof kubernetesPrograms)[keyof typeof kubernetesPrograms];

export const kubernetesModulesDir = join(rootDir, 'infra', 'local', 'kubernetes');

/** The program's pinned version: what its module's go.mod requires of `program.module`. */
export function pinnedVersion(program: { dir: string; module: string }): string {
  const goMod = readFileSync(join(kubernetesModulesDir, program.dir, 'go.mod'), 'utf8');
  const escaped = program.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const found = new RegExp(`^require ${escaped} (v\\S+)$`, 'm').exec(goMod);
  if (!found) {
    throw new UserFacingError(
      `infra/local/kubernetes/${program.dir}/go.mod does not require ${program.module} on a line of its own.`,
    );
  }
  return found[1]!;
}

// The GitHub Actions workflows (.github/workflows): actionlint finds nothing, every action is
// pinned by commit, CI runs what .ci/run runs with the README's prerequisites, and the release
// builds, signs and describes every image the cluster's manifests name.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { minimumGo, minimumJava } from '../local/versions.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { repositoryRoot } from './build-context.ts';

const run = promisify(execFile);
const workflowsDir = join(repositoryRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir).filter((file) => file.endsWith('.yml'));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[]; strategy?: { matrix: Record<string, string[]> } }>;
}
const workflow = (file: string) => parse(readFileSync(join(workflowsDir, file), 'utf8')) as Workflow;
const steps = (file: string) => Object.values(workflow(file).jobs).flatMap((job) => job.steps);
const action = (file: string, name: string) => steps(file).find((step) => step.uses?.startsWith(`${name}@`));

/** "1.26" ≥ "1.25", by numbers. */
const atLeast = (version: string, minimum: string) => {
  const [a = [], b = []] = [version, minimum].map((text) => text.split('.').map(Number));
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    if ((a[index] ?? 0) !== (b[index] ?? 0)) return (a[index] ?? 0) > (b[index] ?? 0);
  }
  return true;
};

describe('the GitHub Actions workflows', () => {
  it('pass actionlint', async () => {
    const actionlint = testEnvironment().ACTIONLINT_PATH;
    expect(
      actionlint && existsSync(actionlint),
      `actionlint at ${actionlint}: run \`npm test\`, which installs it`,
    ).toBe(true);
    // The workflows' `run:` scripts too, with the pinned shellcheck (not whatever the machine has).
    const shellcheck = testEnvironment().SHELLCHECK_PATH;
    expect(shellcheck && existsSync(shellcheck), `shellcheck at ${shellcheck}`).toBe(true);
    const { stdout } = await run(
      actionlint!,
      [
        '-format',
        '{{json .}}',
        '-shellcheck',
        shellcheck!,
        ...workflowFiles.map((file) => join(workflowsDir, file)),
      ],
      { cwd: repositoryRoot },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    expect(JSON.parse(stdout)).toEqual([]);
    expect(workflowFiles.sort()).toEqual(['ci.yml', 'release.yml']);
  }, 60_000);

  it.each(workflowFiles)('%s: pins every action by commit, its version beside it', (file) => {
    const text = readFileSync(join(workflowsDir, file), 'utf8');
    const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(.+)$/gm)].map((match) => match[1]!.trim());
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('ci: runs .ci/run (npm test) on pull requests and main, with the README prerequisites', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    // Flux's image automation commits to main (staging): those commits start no CI, hence no
    // release, hence no newer tag for it to commit again.
    expect((ci.on as { push?: { 'paths-ignore'?: string[] } }).push?.['paths-ignore']).toEqual([
      'infra/k8s/overlays/*/kustomization.yaml',
      'infra/k8s/gardens/**',
    ]);
    expect(readFileSync(join(repositoryRoot, '.ci/run'), 'utf8')).toMatch(/^exec npm test$/m);
    expect(steps('ci.yml').at(-1)).toMatchObject({ run: 'sh .ci/run' });
    expect(action('ci.yml', 'actions/setup-node')?.with).toEqual({ 'node-version-file': '.nvmrc' });
    const java = action('ci.yml', 'actions/setup-java')?.with?.['java-version'] ?? '0';
    expect(Number(java)).toBeGreaterThanOrEqual(minimumJava);
    expect(atLeast(action('ci.yml', 'actions/setup-go')?.with?.['go-version'] ?? '0', minimumGo)).toBe(true);
    expect(action('ci.yml', 'actions/setup-python')).toBeDefined();
    expect(steps('ci.yml').some((step) => step.run?.includes('libxml2-utils'))).toBe(true);
    const tools = steps('ci.yml').find((step) => step.uses?.startsWith('actions/cache@'));
    expect(tools?.with?.path?.split('\n')[0]).toBe('.tools');
  });

  it('release: builds every Dockerfile, after CI on main, pushed, signed and with an SBOM', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({
      workflow_run: { workflows: ['ci'], types: ['completed'], branches: ['main'] },
    });
    const images = readdirSync(join(repositoryRoot, 'infra/images'))
      .filter((file) => file.endsWith('.Dockerfile'))
      .map((file) => file.replace('.Dockerfile', ''));
    expect([...release.jobs.images!.strategy!.matrix.image!].sort()).toEqual(images.sort());
    const build = steps('release.yml').find((step) => step.run?.includes('docker buildx build'))!.run!;
    for (const flag of ['--sbom=true', '--provenance=mode=max', '--push', '--metadata-file metadata.json']) {
      expect(build).toContain(flag);
    }
    expect(build).toContain('--file "infra/images/${{ matrix.image }}.Dockerfile"');
    expect(steps('release.yml').some((step) => step.run?.includes('cosign sign --yes'))).toBe(true);
    // A semver tag that grows with each commit: what the ImagePolicies take (semver ranges).
    expect(build).toContain('tag="$(echo "$version" | cut -d. -f1-2).${stamp}"');
    expect(build).toContain('stamp=$(git show -s --format=%ct "$COMMIT")');
    const policies = readFileSync(join(repositoryRoot, 'infra/flux/production/images.yaml'), 'utf8')
      .split(/^---$/m)
      .map(
        (document) =>
          parse(document) as { kind?: string; spec?: { policy?: Record<string, unknown> } } | null,
      )
      .filter((document) => document?.kind === 'ImagePolicy');
    expect(policies).toHaveLength(3);
    for (const policy of policies) expect(Object.keys(policy!.spec!.policy!)).toEqual(['semver']);
  });

  it('release: pushes the repositories Flux scans (ImageRepository objects)', () => {
    const image = (
      parse(readFileSync(join(workflowsDir, 'release.yml'), 'utf8')) as {
        jobs: { images: { env: { IMAGE: string } } };
      }
    ).jobs.images.env.IMAGE;
    expect(image).toBe('${{ secrets.NEXUS_REGISTRY }}/cocagne/cocagne-${{ matrix.image }}');
    for (const environment of ['production', 'staging']) {
      const scanned = readFileSync(join(repositoryRoot, `infra/flux/${environment}/images.yaml`), 'utf8')
        .split(/^---$/m)
        .map((document) => parse(document) as { kind?: string; spec?: { image?: string } } | null)
        .filter((document) => document?.kind === 'ImageRepository')
        .map((document) => document!.spec!.image!.split('/').slice(1).join('/'))
        .sort();
      expect(scanned, environment).toEqual(['api', 'web', 'worker'].map((name) => `cocagne/cocagne-${name}`));
    }
  });
});

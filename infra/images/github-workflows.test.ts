// The GitHub Actions workflows (.github/workflows): actionlint and shellcheck find nothing, every
// action is pinned by commit, CI runs what .ci/run runs with the README's prerequisites, and the
// release contract holds: each image pushed as sha-<commit> only, signed, with its SBOM; the
// release-candidate tag added to every image's digest (read back from the sha-<commit> tags) only
// once all of them are pushed, never moved; promotion to production behind the `production`
// environment, after every signature is verified; the registry's credentials are secrets of
// those environments only. The tagging and promotion scripts are run as GitHub runs them (its
// command for the step's shell, on a script file), with stand-ins for docker, cosign and skopeo
// that keep a registry in a file, and for gh (GitHub's comparison of the commit with main).
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { minimumGo, minimumJava } from '../local/versions.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { repositoryRoot } from './build-context.ts';
import { infraCheckersReady, infraCheckersWaitMs } from '../../tests/support/side-lanes.ts';

// The checkers this file runs: `npm test` installs them beside the first tests.
beforeAll(() => infraCheckersReady(), infraCheckersWaitMs);

const run = promisify(execFile);
const workflowsDir = join(repositoryRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir).filter((file) => file.endsWith('.yml'));

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Defaults {
  run?: { shell?: string };
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  defaults?: Defaults;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix: Record<string, string[]> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  defaults?: Defaults;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
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
    expect(workflowFiles.sort()).toEqual(['ci.yml', 'promote.yml', 'release.yml']);
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
      'infra/k8s/vroom/staging/kustomization.yaml',
      'infra/k8s/gardens/**',
    ]);
    // Every kustomization a staging automation writes to (its markers) is among them.
    const ignored = (ci.on as { push: { 'paths-ignore': string[] } }).push['paths-ignore'].map(
      (pattern) =>
        new RegExp(
          `^${pattern
            .replaceAll('.', '\\.')
            .replaceAll('**', '.+')
            .replace(/\*(?!\+)/g, '[^/]*')}$`,
        ),
    );
    const automations = fluxDocuments('staging').filter(
      (document) => document?.kind === 'ImageUpdateAutomation',
    );
    expect(automations.length).toBeGreaterThan(1);
    for (const automation of automations) {
      const written = `${automation!.spec!.update!.path!.replace(/^\.\//, '')}/kustomization.yaml`;
      expect(
        ignored.some((pattern) => pattern.test(written)),
        written,
      ).toBe(true);
    }
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

  it('release: builds every Dockerfile after CI on main, pushed as sha-<commit> only, signed, with an SBOM', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({
      workflow_run: { workflows: ['ci'], types: ['completed'], branches: ['main'] },
    });
    const images = release.jobs.images!;
    expect(images.needs).toBeUndefined();
    expect([...images.strategy!.matrix.image!].sort()).toEqual(dockerfiles());
    const build = stepNamed('release.yml', 'images', 'Build and push').run!;
    for (const flag of ['--sbom=true', '--provenance=mode=max', '--push', '--metadata-file metadata.json']) {
      expect(build).toContain(flag);
    }
    expect(build).toContain('--file "infra/images/${{ matrix.image }}.Dockerfile"');
    // No version tag here: a cluster would take one image before its siblings are pushed.
    expect([...build.matchAll(/--tag\s+(\S+)/g)].map((match) => match[1])).toEqual([
      '"$IMAGE:sha-${COMMIT:0:12}"',
    ]);
    expect(stepNamed('release.yml', 'images', 'Sign').run).toContain('cosign sign --yes');
    // No artifacts between the jobs: an earlier attempt's may be gone when a job is re-run.
    expect(readFileSync(join(workflowsDir, 'release.yml'), 'utf8')).not.toMatch(/-artifact@/);
  });

  it('release: adds the release-candidate tag only once every image is pushed and signed, to all of them', () => {
    const release = workflow('release.yml');
    const candidate = release.jobs['release-candidate']!;
    expect(candidate.needs).toBe('images');
    // `needs` alone: no `if: always()` or similar that would run it after a failed matrix leg.
    expect(candidate.if).toBeUndefined();
    const tagging = stepNamed('release.yml', 'release-candidate', 'Tag the release candidate').run!;
    // The digests come from the registry, under the tags the matrix pushed.
    expect(tagging).toContain('docker buildx imagetools inspect "$repository:sha-${COMMIT:0:12}"');
    // The version grows with each run of the workflow (a commit's time can go backwards), and
    // reaches the script as an environment variable.
    expect(tagging).toContain('tag="$major.$minor.$RUN_NUMBER-rc.1"');
    expect(stepNamed('release.yml', 'release-candidate', 'Tag the release candidate').env).toEqual({
      RUN_NUMBER: '${{ github.run_number }}',
      GH_TOKEN: '${{ github.token }}',
    });
    // Main's tip is compared with the commit before any tag is written (GitHub's API, the job's
    // read-only token: the checkout keeps no credentials to fetch with).
    expect(tagging.indexOf('gh api "repos/$GITHUB_REPOSITORY/compare/$COMMIT...main"')).toBeGreaterThan(-1);
    expect(tagging.indexOf('compare/$COMMIT...main')).toBeLessThan(tagging.indexOf('imagetools'));
    expect(candidate.permissions).toEqual({ contents: 'read' });
    expect(tagging).not.toContain('${{');
    expect(tagging).not.toMatch(/\bgit\b/);
    for (const loop of tagging.matchAll(/for image in ([^;]+); do/g)) {
      expect(loop[1]!.split(' ').sort()).toEqual(dockerfiles());
    }
    // Only this job tags a version: the matrix's build step names sha-<commit> only (above).
    expect(
      Object.entries(release.jobs)
        .filter(([, job]) => job.steps.some((step) => step.run?.includes('imagetools create')))
        .map(([name]) => name),
    ).toEqual(['release-candidate']);
  });

  it('promote: asks for a release candidate, waits for the production environment, verifies, then tags', () => {
    const promote = workflow('promote.yml');
    expect(promote.on).toEqual({
      workflow_dispatch: {
        inputs: { release: { description: expect.any(String), required: true, type: 'string' } },
      },
    });
    expect(Object.keys(promote.jobs)).toEqual(['promote']);
    const job = promote.jobs.promote!;
    expect(job.environment).toBe('production');
    // Verifying needs no token, and nothing here writes to the repository.
    expect(job.permissions).toEqual({ contents: 'read' });
    expect(promote.permissions).toEqual({ contents: 'read' });
    const names = job.steps.map((step) => step.name);
    expect(names.indexOf("Release candidate's tag")).toBe(0);
    expect(names.indexOf("Verify the images' signatures")).toBeLessThan(
      names.indexOf('Tag the stable release'),
    );
    // The keyless identity verified is the one release.yml signs with: its own file, on main.
    expect(stepNamed('promote.yml', 'promote', "Verify the images' signatures").env?.SIGNER).toBe(
      '${{ github.server_url }}/${{ github.repository }}/.github/workflows/release.yml@refs/heads/main',
    );
    expect(workflow('release.yml').on).toMatchObject({ workflow_run: { branches: ['main'] } });
    // The input reaches the scripts as an environment variable, never spliced into them.
    expect(job.env?.RELEASE).toBe('${{ inputs.release }}');
    for (const step of job.steps) expect(step.run ?? '').not.toContain('${{');
    // Every image is verified and tagged: the loops name each Dockerfile's image.
    const loops = job.steps.flatMap((step) => [...(step.run ?? '').matchAll(/for image in ([^;]+); do/g)]);
    expect(loops).toHaveLength(3);
    for (const loop of loops) expect(loop[1]!.split(' ').sort()).toEqual(dockerfiles());
  });

  it('release and promote: the registry host is the repository variable NEXUS_REGISTRY, not a secret', () => {
    for (const file of workflowFiles) {
      expect(readFileSync(join(workflowsDir, file), 'utf8'), file).not.toMatch(/secrets\.NEXUS_REGISTRY/);
    }
    expect(workflow('release.yml').env?.REGISTRY).toBe('${{ vars.NEXUS_REGISTRY }}');
    expect(workflow('release.yml').jobs.images!.env?.IMAGE).toBe(
      '${{ vars.NEXUS_REGISTRY }}/cocagne/cocagne-${{ matrix.image }}',
    );
    expect(workflow('promote.yml').jobs.promote!.env?.REGISTRY).toBe('${{ vars.NEXUS_REGISTRY }}');
    const logins = ['release.yml', 'promote.yml'].flatMap((file) =>
      steps(file).filter((step) => step.uses?.startsWith('docker/login-action@')),
    );
    expect(logins).toHaveLength(3);
    for (const login of logins) expect(login.with?.registry).toBe('${{ vars.NEXUS_REGISTRY }}');
  });

  it("release and promote: the registry's users and cosign's key are secrets of environments limited to main", () => {
    // A repository secret is readable by any workflow on any branch: one that pushed a stable tag
    // would bypass the production environment's reviewers. Each job that logs in to Nexus runs
    // in an environment (deployment branch main), and reads that environment's user.
    const secretsOf = (job: Job) =>
      [...JSON.stringify(job).matchAll(/secrets\.(\w+)/g)].map((match) => match[1]!).sort();
    const jobs = (file: string) => Object.entries(workflow(file).jobs);
    expect(jobs('release.yml').map(([name, job]) => [name, job.environment, secretsOf(job)])).toEqual([
      [
        'images',
        'release',
        ['COSIGN_PASSWORD', 'COSIGN_PRIVATE_KEY', 'NEXUS_RELEASE_PASSWORD', 'NEXUS_RELEASE_USERNAME'],
      ],
      ['release-candidate', 'release', ['NEXUS_RELEASE_PASSWORD', 'NEXUS_RELEASE_USERNAME']],
    ]);
    expect(jobs('promote.yml').map(([name, job]) => [name, job.environment, secretsOf(job)])).toEqual([
      ['promote', 'production', ['NEXUS_PROMOTE_PASSWORD', 'NEXUS_PROMOTE_USERNAME']],
    ]);
    // No other workflow reads a secret (the former repository secrets are named nowhere).
    for (const file of workflowFiles) {
      const text = readFileSync(join(workflowsDir, file), 'utf8');
      expect(text, file).not.toMatch(/secrets\.NEXUS_(USERNAME|PASSWORD)\b/);
      if (file !== 'release.yml' && file !== 'promote.yml') expect(text, file).not.toMatch(/secrets\./);
    }
    // The README says which Nexus user may push which tags.
    const readme = readFileSync(join(repositoryRoot, 'infra/release/README.md'), 'utf8');
    for (const name of ['NEXUS_RELEASE_USERNAME', 'NEXUS_PROMOTE_USERNAME', 'content selector']) {
      expect(readme).toContain(name);
    }
    // Its two content selectors let each user write to every image's repository.
    const selected = [...readme.matchAll(/\^\/v2\/cocagne\/cocagne-\(([a-z|]+)\)\//g)].map((match) =>
      match[1]!.split('|').sort(),
    );
    expect(selected).toEqual([dockerfiles(), dockerfiles()]);
  });

  it.each(['release.yml', 'promote.yml'])(
    "%s: runs every script in GitHub's bash with pipefail (shell: bash), none in another shell",
    (file) => {
      expect(workflow(file).defaults).toEqual({ run: { shell: 'bash' } });
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        expect(job.defaults, name).toBeUndefined();
        for (const step of job.steps) expect(step.shell, `${name}: ${step.name}`).toBeUndefined();
      }
    },
  );

  it('release: pushes the repositories Flux scans, rc tags for staging and stable ones for production', () => {
    for (const environment of ['production', 'staging'] as const) {
      const documents = fluxDocuments(environment);
      const scanned = documents
        .filter((document) => document?.kind === 'ImageRepository')
        .map((document) => document!.spec!.image!.split('/').slice(1).join('/'))
        .sort();
      expect(scanned, environment).toEqual(dockerfiles().map((name) => `cocagne/cocagne-${name}`));
      const ranges = documents
        .filter((document) => document?.kind === 'ImagePolicy')
        .map((document) => document!.spec!.policy);
      // Staging takes pre-releases (the rc tags), production only the stable tags promote adds.
      expect(ranges, environment).toEqual(
        dockerfiles().map(() => ({ semver: { range: environment === 'staging' ? '>=0.0.0-0' : '>=0.0.0' } })),
      );
    }
  });
});

/** The objects of an environment's infra/flux/<env>/images.yaml. */
function fluxDocuments(environment: 'staging' | 'production') {
  return readFileSync(join(repositoryRoot, `infra/flux/${environment}/images.yaml`), 'utf8')
    .split(/^---$/m)
    .map(
      (document) =>
        parse(document) as {
          kind?: string;
          spec?: { image?: string; policy?: { semver?: { range?: string } }; update?: { path?: string } };
        } | null,
    );
}

/** The images, from their Dockerfiles: api, vroom, web, worker. */
function dockerfiles(): string[] {
  return readdirSync(join(repositoryRoot, 'infra/images'))
    .filter((file) => file.endsWith('.Dockerfile'))
    .map((file) => file.replace('.Dockerfile', ''))
    .sort();
}

function stepNamed(file: string, job: string, name: string): Step {
  const step = workflow(file).jobs[job]?.steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`${file}: no step "${name}" in job ${job}`);
  return step;
}

/** A `run` step with the shell GitHub gives it: its own, else its job's default, else the workflow's. */
function scriptNamed(file: string, job: string, name: string): Step & { run: string } {
  const step = stepNamed(file, job, name);
  if (!step.run) throw new Error(`${file}: step "${name}" runs no script`);
  const shell =
    step.shell ?? workflow(file).jobs[job]!.defaults?.run?.shell ?? workflow(file).defaults?.run?.shell;
  return { ...step, run: step.run, ...(shell ? { shell } : {}) };
}

/**
 * The command GitHub's Linux runners run for a shell, on the step's script file (`{0}`), from
 * GitHub's workflow syntax reference: unspecified, `bash -e {0}` (no pipefail); `bash`,
 * `bash --noprofile --norc -eo pipefail {0}`.
 */
const githubShells: Record<string, string> = {
  '': 'bash -e {0}',
  bash: 'bash --noprofile --norc -eo pipefail {0}',
  sh: 'sh -e {0}',
};

// Stand-ins for the tools the scripts call. The registry is a file of "reference digest" lines
// (the last line of a reference wins); every call is logged.
const fakeDocker = `#!/usr/bin/env bash
echo "docker $*" >>"$FAKE_LOG"
[ "$1 $2" = "buildx imagetools" ] || { echo "unexpected: docker $*" >&2; exit 2; }
case "$3" in
  inspect)
    digest=$(awk -v ref="$4" '$1 == ref { digest = $2 } END { print digest }' "$FAKE_REGISTRY")
    [ -n "$digest" ] || { echo "ERROR: $4: not found" >&2; exit 1; }
    printf 'Name:      %s\\nMediaType: application/vnd.oci.image.index.v1+json\\nDigest:    %s\\n' "$4" "$digest"
    # Then the index's manifests, more than a pipe holds: a reader that stops at the digest
    # would kill this writer (SIGPIPE), which pipefail makes the step's failure.
    printf '\\nManifests:\\n'
    for index in $(seq 1 2000); do printf '  Name:      %s@sha256:%064d\\n' "$4" "$index"; done ;;
  create)
    [ "$4" = --tag ] && [ $# -eq 6 ] || { echo "unexpected: docker $*" >&2; exit 2; }
    source_digest=\${6#*@}
    awk -v digest="$source_digest" '$2 == digest { found = 1 } END { exit !found }' "$FAKE_REGISTRY" ||
      { echo "ERROR: $6: not found" >&2; exit 1; }
    echo "$5 \${FAKE_NEW_DIGEST:-$source_digest}" >>"$FAKE_REGISTRY" ;;
  *) echo "unexpected: docker $*" >&2; exit 2 ;;
esac
`;
const fakeCosign = `#!/usr/bin/env bash
echo "cosign $*" >>"$FAKE_LOG"
[ "$1" = verify ] || { echo "unexpected: cosign $*" >&2; exit 2; }
reference=\${!#}
case " \${FAKE_UNSIGNED:-} " in
  *" \${reference#*@} "*) echo "Error: no matching signatures" >&2; exit 1 ;;
esac
echo '[{"critical":{}}]'
`;
// gh api repos/<repository>/compare/<commit>...main: GitHub's comparison, from $FAKE_COMPARE (JSON;
// main is the commit itself unless a test says otherwise).
const fakeGh = `#!/usr/bin/env bash
echo "gh $*" >>"$FAKE_LOG"
[ "$1" = api ] && [ $# -eq 2 ] && [ "$2" = "repos/$GITHUB_REPOSITORY/compare/$COMMIT...main" ] || { echo "unexpected: gh $*" >&2; exit 2; }
[ -n "$GH_TOKEN" ] || { echo "gh: no token" >&2; exit 4; }
if [ -n "\${FAKE_COMPARE:-}" ]; then printf '%s\\n' "$FAKE_COMPARE"; else echo '{"status": "identical", "files": []}'; fi
`;
// skopeo list-tags docker://<repository>: the registry's tags of that repository, as JSON.
const fakeSkopeo = `#!/usr/bin/env bash
echo "skopeo $*" >>"$FAKE_LOG"
[ "$1" = list-tags ] && [ $# -eq 2 ] && [ "\${2#docker://}" != "$2" ] || { echo "unexpected: skopeo $*" >&2; exit 2; }
repository=\${2#docker://}
awk -v prefix="$repository:" 'index($1, prefix) == 1 { print substr($1, length(prefix) + 1) }' "$FAKE_REGISTRY" |
  sort -u | jq -R . | jq -s --arg repository "$repository" '{Repository: $repository, Tags: .}'
`;

const commit = '0123456789abcdef0123456789abcdef01234567';
const registry = 'nexus.example.org';
const digestOf = (image: string) => `sha256:${Buffer.from(image).toString('hex').padEnd(64, '0')}`;
/** The release's run number, as GitHub gives it, and the versions it makes. */
const runNumber = '57';
const candidate = '0.1.57-rc.1';
const stable = '0.1.57';

describe('the release and promotion scripts, as the runner runs them', () => {
  let scratch: string;
  let workspace: string;
  const file = (name: string) => join(scratch, name);
  const lines = (name: string) =>
    existsSync(file(name)) ? readFileSync(file(name), 'utf8').trim().split('\n').filter(Boolean) : [];
  const creates = () => lines('log').filter((line) => line.startsWith('docker buildx imagetools create'));

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cocagne-workflow-scripts-'));
    workspace = join(scratch, 'workspace');
    mkdirSync(join(scratch, 'bin'));
    mkdirSync(workspace);
    for (const [name, text] of [
      ['docker', fakeDocker],
      ['cosign', fakeCosign],
      ['skopeo', fakeSkopeo],
      ['gh', fakeGh],
    ] as const) {
      writeFileSync(join(scratch, 'bin', name), text);
      chmodSync(join(scratch, 'bin', name), 0o755);
    }
    writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'cocagne', version: '0.1.0' }));
    // What the matrix pushed: each image as sha-<commit>.
    writeFileSync(
      file('registry'),
      dockerfiles()
        .map(
          (image) => `${registry}/cocagne/cocagne-${image}:sha-${commit.slice(0, 12)} ${digestOf(image)}\n`,
        )
        .join(''),
    );
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** A step's script as GitHub runs it: written to a file, run by its shell's command, in the workspace. */
  async function runStep(step: Step, env: Record<string, string> = {}) {
    const variables = {
      PATH: `${join(scratch, 'bin')}:${process.env.PATH}`,
      HOME: scratch,
      REGISTRY: registry,
      COMMIT: commit,
      RUN_NUMBER: runNumber,
      GITHUB_REPOSITORY: 'jardins-de-cocagne/cocagne',
      GH_TOKEN: 'ghs_test',
      GITHUB_OUTPUT: file('output'),
      GITHUB_STEP_SUMMARY: file('summary'),
      FAKE_LOG: file('log'),
      FAKE_REGISTRY: file('registry'),
      ...env,
    };
    const script = file('step.sh');
    writeFileSync(script, step.run!);
    const template = githubShells[step.shell ?? ''];
    if (!template) throw new Error(`no command known for shell ${step.shell}`);
    const [command, ...args] = template.split(' ').map((word) => (word === '{0}' ? script : word));
    return run(command!, args, {
      cwd: workspace,
      env: variables,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }),
    );
  }
  const tagCandidate = scriptNamed('release.yml', 'release-candidate', 'Tag the release candidate');
  const checkInput = scriptNamed('promote.yml', 'promote', "Release candidate's tag");
  const verify = scriptNamed('promote.yml', 'promote', "Verify the images' signatures");
  const tagStable = scriptNamed('promote.yml', 'promote', 'Tag the stable release');
  /** The registry without an image's sha-<commit> tag (its leg of the matrix never pushed it). */
  const withoutSha = (image: string) =>
    writeFileSync(
      file('registry'),
      lines('registry')
        .filter((line) => !line.startsWith(`${registry}/cocagne/cocagne-${image}:sha-`))
        .map((line) => `${line}\n`)
        .join(''),
    );
  const signer =
    'https://github.com/jardins-de-cocagne/cocagne/.github/workflows/release.yml@refs/heads/main';
  const tagged = (tag: string) =>
    lines('registry')
      .filter((line) => line.split(' ')[0]!.endsWith(`:${tag}`))
      .sort();
  const expectedTags = (tag: string) =>
    dockerfiles().map((image) => `${registry}/cocagne/cocagne-${image}:${tag} ${digestOf(image)}`);

  it("runs a step's script in GitHub's bash: a failure on the left of a pipe fails the step", async () => {
    expect(tagCandidate.shell).toBe('bash');
    expect((await runStep({ run: 'false | true\necho went on', shell: 'bash' })).code).not.toBe(0);
    // What a step without `shell` would do: carry on.
    const unset = await runStep({ run: 'false | true\necho went on' });
    expect(unset).toMatchObject({ code: 0, stdout: 'went on\n' });
  });

  it('release: tags every sha-<commit> digest <major>.<minor>.<run number>-rc.1, the same digests', async () => {
    const result = await runStep(tagCandidate);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(tagged(candidate)).toEqual(expectedTags(candidate));
    expect(creates()).toEqual(
      ['api', 'worker', 'web', 'vroom'].map(
        (image) =>
          `docker buildx imagetools create --tag ${registry}/cocagne/cocagne-${image}:${candidate} ${registry}/cocagne/cocagne-${image}@${digestOf(image)}`,
      ),
    );
    expect(readFileSync(file('summary'), 'utf8')).toContain(`run the promote workflow with \`${candidate}\``);
  });

  it('release: tags nothing when an image has no sha-<commit> tag', async () => {
    withoutSha('worker');
    const result = await runStep(tagCandidate);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(
      `${registry}/cocagne/cocagne-worker:sha-${commit.slice(0, 12)} not found: the images job pushed no such image`,
    );
    expect(creates()).toEqual([]);
    expect(tagged(candidate)).toEqual([]);
  });

  it("release: tags main's tip; refuses an older commit of main, tagging nothing", async () => {
    const compare = (status: string, files: string[]) =>
      JSON.stringify({ status, files: files.map((filename) => ({ filename })) });
    const refused = async (status: string, files: string[]) => {
      rmSync(file('log'), { force: true });
      const result = await runStep(tagCandidate, { FAKE_COMPARE: compare(status, files) });
      expect(result.code, `${status} ${files.join(' ')}`).not.toBe(0);
      expect(result.stdout).toContain(`${commit} is not main's newest code (main is ${status} of it`);
      expect(result.stdout).toContain('nothing tagged');
      // Refused before the registry is read or written.
      expect(lines('log')).toEqual([`gh api repos/jardins-de-cocagne/cocagne/compare/${commit}...main`]);
      expect(tagged(candidate)).toEqual([]);
      return result;
    };
    // CI re-run for an older commit: main has newer code.
    const older = await refused('ahead', [
      'api/src/server.ts',
      'infra/k8s/overlays/staging/kustomization.yaml',
    ]);
    expect(older.stdout).toContain('with changes to api/src/server.ts)');
    await refused('behind', []);
    await refused('diverged', ['web/src/main.ts']);
    // Near misses of ci.yml's paths-ignore are code CI runs for.
    await refused('ahead', ['infra/k8s/overlays/staging/extra/kustomization.yaml']);
    await refused('ahead', ['infra/k8s/vroom/production/kustomization.yaml']);
    // A list of files GitHub cut short (300) is not known to hold bumps only.
    await refused(
      'ahead',
      Array.from({ length: 300 }, (_, index) => `infra/k8s/gardens/g${index}.yaml`),
    );

    // Main ahead only by Flux's digest bumps (ci.yml's paths-ignore: no release of their own),
    // as after staging took part of a release whose job is re-run: tagged.
    const bumped = await runStep(tagCandidate, {
      FAKE_COMPARE: compare('ahead', [
        'infra/k8s/overlays/staging/kustomization.yaml',
        'infra/k8s/vroom/staging/kustomization.yaml',
        'infra/k8s/gardens/potager/kustomization.yaml',
      ]),
    });
    expect(bumped.code, bumped.stdout + bumped.stderr).toBe(0);
    expect(tagged(candidate)).toEqual(expectedTags(candidate));
  }, 60_000);

  it("release: the commit check's ignored paths are ci.yml's paths-ignore", () => {
    const ignored = (workflow('ci.yml').on as { push: { 'paths-ignore': string[] } }).push['paths-ignore'];
    const tagging = stepNamed('release.yml', 'release-candidate', 'Tag the release candidate').run!;
    const pattern = /grep -Ev '\^\((.+)\)\$'/.exec(tagging)?.[1];
    expect(pattern).toBeDefined();
    // GitHub's glob: `*` stops at a slash, `**` does not.
    const asRegex = (glob: string) =>
      glob
        .replace(/\./g, '\\.')
        .replace(/\*\*/g, '.+')
        .replace(/(?<!\.)\*/g, '[^/]+');
    expect(pattern!.split('|')).toEqual(ignored.map(asRegex));
  });

  it('release: re-run, tags the same digests again; never moves an rc tag to another digest', async () => {
    expect((await runStep(tagCandidate)).code).toBe(0);
    // The job re-run alone (after a registry failure between two tags, say): harmless.
    const again = await runStep(tagCandidate);
    expect(again.code).toBe(0);
    expect([...new Set(tagged(candidate))]).toEqual(expectedTags(candidate));

    // The whole release re-run on the same commit: the matrix built the web image again.
    rmSync(file('log'));
    const rebuilt = `sha256:${'d'.repeat(64)}`;
    writeFileSync(
      file('registry'),
      `${registry}/cocagne/cocagne-web:sha-${commit.slice(0, 12)} ${rebuilt}\n`,
      {
        flag: 'a',
      },
    );
    const moved = await runStep(tagCandidate);
    expect(moved.code).not.toBe(0);
    expect(moved.stdout).toContain(
      `${registry}/cocagne/cocagne-web:${candidate} already names ${digestOf('web')}, not ${rebuilt} (sha-${commit.slice(0, 12)}): an rc tag is never moved; to release again, push a new commit`,
    );
    // Nothing tagged, not even the api and worker before it.
    expect(creates()).toEqual([]);
  });

  it('release: tags a version above every version an image has, rc or stable, and none other', async () => {
    // Earlier releases, promoted or not, and tags that are no version: below, or ignored.
    const earlier = [
      '0.1.56-rc.1',
      '0.1.56',
      '0.0.900-rc.1',
      'sha-fedcba987654',
      `sha256-${'c'.repeat(64)}.sig`,
    ];
    writeFileSync(
      file('registry'),
      earlier.map((tag) => `${registry}/cocagne/cocagne-web:${tag} sha256:${'a'.repeat(64)}\n`).join(''),
      { flag: 'a' },
    );
    const result = await runStep(tagCandidate);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(tagged(candidate)).toEqual(expectedTags(candidate));
    expect(lines('log').filter((line) => line.startsWith('skopeo'))).toEqual(
      ['api', 'worker', 'web', 'vroom'].map(
        (image) => `skopeo list-tags docker://${registry}/cocagne/cocagne-${image}`,
      ),
    );

    // A version above this run's: a newer release already out, the run numbers restarted, the
    // former scheme's commit times, package.json's minor lowered. Nothing is tagged.
    for (const above of ['0.1.58-rc.1', '0.1.58', '0.1.1765000000', '0.2.3-rc.1', '1.0.1-rc.1', '0.1.060']) {
      writeFileSync(
        file('registry'),
        `${registry}/cocagne/cocagne-vroom:${above} sha256:${'b'.repeat(64)}\n`,
        {
          flag: 'a',
        },
      );
      rmSync(file('log'));
      const refused = await runStep(tagCandidate);
      expect(refused.code, above).not.toBe(0);
      expect(refused.stdout, above).toContain(
        `${registry}/cocagne/cocagne-vroom already has version ${above.replace(/-rc\.1$/, '').replace('060', '60')}, above ${candidate}: staging would never take this one.`,
      );
      expect(creates(), above).toEqual([]);
      writeFileSync(
        file('registry'),
        lines('registry')
          .filter((line) => !line.includes(`cocagne-vroom:${above} `))
          .map((line) => `${line}\n`)
          .join(''),
      );
    }

    // An older run's job re-run once this one is tagged: refused too.
    rmSync(file('log'));
    const older = await runStep(tagCandidate, { RUN_NUMBER: '56' });
    expect(older.code).not.toBe(0);
    expect(older.stdout).toContain(
      `${registry}/cocagne/cocagne-api already has version 0.1.57, above 0.1.56-rc.1: staging would never take this one.`,
    );
    expect(creates()).toEqual([]);
  }, 60_000);

  it("release: takes package.json's major and minor, and refuses a version or run number that is not one", async () => {
    writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'cocagne', version: '2.14.3' }));
    expect((await runStep(tagCandidate)).code).toBe(0);
    expect(tagged('2.14.57-rc.1')).toEqual(expectedTags('2.14.57-rc.1'));
    for (const [version, run] of [
      ['0.1.0', '57; echo pwned'],
      ['0.1.0', ''],
      ['next', '57'],
      ['0.01.0', '57'],
    ] as const) {
      writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'cocagne', version }));
      const result = await runStep(tagCandidate, { RUN_NUMBER: run });
      expect(result.code, `${version} ${run}`).not.toBe(0);
      expect(result.stdout).toContain('is not a number');
      expect(result.stdout).not.toContain('pwned\n');
    }
  });

  it('release: fails when the tag would name another digest than the signed one', async () => {
    const result = await runStep(tagCandidate, { FAKE_NEW_DIGEST: `sha256:${'f'.repeat(64)}` });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      `names sha256:${'f'.repeat(64)}, not the signed ${digestOf('api')}`,
    );
  });

  it("promote: takes a release candidate's tag and no other input, and drops the rc suffix", async () => {
    for (const release of [candidate, '1.12.1765000000-rc.3', '0.2.1-rc.1']) {
      rmSync(file('output'), { force: true });
      expect((await runStep(checkInput, { RELEASE: release })).code, release).toBe(0);
      expect(readFileSync(file('output'), 'utf8')).toBe(`stable=${release.replace(/-rc\.\d+$/, '')}\n`);
    }
    for (const release of [
      stable,
      'latest',
      'sha-0123456789ab',
      '',
      `${candidate}; echo pwned`,
      `${candidate}\nstable=9.9.9`,
      `v${candidate}`,
    ]) {
      const result = await runStep(checkInput, { RELEASE: release });
      expect(result.code, release).not.toBe(0);
      expect(result.stdout, release).toContain("is not a release candidate's tag");
      // The input is not echoed: a line of it could be read by the runner as a command.
      expect(result.stdout, release).not.toMatch(/pwned|stable=9/);
    }
    expect((await runStep(checkInput, { RELEASE: candidate, REGISTRY: '' })).stdout).toContain(
      'the repository variable NEXUS_REGISTRY',
    );
  });

  /** The release as release.yml leaves it, then promotion's two steps. */
  async function promote(env: Record<string, string> = {}) {
    expect((await runStep(tagCandidate)).code).toBe(0);
    rmSync(join(workspace, 'digests'), { recursive: true });
    rmSync(file('log'));
    const verified = await runStep(verify, { RELEASE: candidate, SIGNER: signer, ...env });
    if (verified.code !== 0) return verified;
    return runStep(tagStable, { RELEASE: candidate, STABLE: stable, ...env });
  }

  it('promote: verifies the keyless signatures of release.yml, then tags the same digests stable', async () => {
    const result = await promote();
    expect(result.code).toBe(0);
    expect(tagged(stable)).toEqual(expectedTags(stable));
    const verifications = lines('log').filter((line) => line.startsWith('cosign'));
    expect(verifications).toEqual(
      ['api', 'worker', 'web', 'vroom'].map(
        (image) =>
          `cosign verify --certificate-identity ${signer} --certificate-oidc-issuer https://token.actions.githubusercontent.com ${registry}/cocagne/cocagne-${image}@${digestOf(image)}`,
      ),
    );
    // Every verification before the first tag.
    const log = lines('log');
    expect(log.findLastIndex((line) => line.startsWith('cosign'))).toBeLessThan(
      log.findIndex((line) => line.includes('imagetools create')),
    );
    // Promoting the same release again changes nothing and succeeds.
    const again = await runStep(tagStable, { RELEASE: candidate, STABLE: stable });
    expect(again.code).toBe(0);
    expect(tagged(stable).at(-1)).toBe(expectedTags(stable).at(-1));
  });

  it('promote: verifies with the public key when the repository has one', async () => {
    const result = await promote({
      COSIGN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMFkw…\n-----END PUBLIC KEY-----',
    });
    expect(result.code).toBe(0);
    expect(lines('log').filter((line) => line.startsWith('cosign'))).toEqual(
      ['api', 'worker', 'web', 'vroom'].map(
        (image) => `cosign verify --key cosign.pub ${registry}/cocagne/cocagne-${image}@${digestOf(image)}`,
      ),
    );
    expect(readFileSync(join(workspace, 'cosign.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('promote: tags nothing when one signature does not verify', async () => {
    const result = await promote({ FAKE_UNSIGNED: digestOf('worker') });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no matching signatures');
    expect(creates()).toEqual([]);
    expect(tagged(stable)).toEqual([]);
  });

  it('promote: tags nothing when an image lacks the release candidate, or a stable tag names another image', async () => {
    const missing = await promote({ RELEASE: '0.1.58-rc.1' });
    expect(missing.code).not.toBe(0);
    expect(missing.stdout).toContain(`${registry}/cocagne/cocagne-api:0.1.58-rc.1 not found`);
    expect(creates()).toEqual([]);

    rmSync(file('log'));
    writeFileSync(file('registry'), `${registry}/cocagne/cocagne-web:${stable} sha256:${'e'.repeat(64)}\n`, {
      flag: 'a',
    });
    const verified = await runStep(verify, { RELEASE: candidate, SIGNER: signer });
    expect(verified.code).toBe(0);
    const moved = await runStep(tagStable, { RELEASE: candidate, STABLE: stable });
    expect(moved.code).not.toBe(0);
    expect(moved.stdout).toContain(
      `${registry}/cocagne/cocagne-web:${stable} already names sha256:${'e'.repeat(64)}, not ${digestOf('web')}`,
    );
    expect(creates()).toEqual([]);
  });
});

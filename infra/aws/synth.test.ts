import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../tests/support/environment.ts';
import { cfnLintWaivers } from './cfn-lint-waivers.ts';
import { resourceNames } from './names.ts';
import { stages } from './stages.ts';
import { infraCheckersReady, infraCheckersWaitMs } from '../../tests/support/side-lanes.ts';

// The checkers this file runs: `npm test` installs them beside the first tests.
beforeAll(() => infraCheckersReady(), infraCheckersWaitMs);

// The real CLI, as an operator runs it (cdk.json's `app` included), once for the file: every
// stage's templates into a temporary folder, then cfn-lint on each template for its region.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const concerns = [
  'disaster-recovery',
  'dns',
  'global',
  'cluster',
  'data',
  'storage',
  'edge',
  'mail',
  'monitoring',
  'access',
];

interface Finding {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

describe('cdk synth and cfn-lint', () => {
  const out = mkdtempSync(join(tmpdir(), 'cocagne-cdk-'));
  let synth: ReturnType<typeof spawnSync>;
  let templates: { stackName: string; region: string; file: string }[] = [];
  let dependencies = new Map<string, string[]>();

  beforeAll(() => {
    // No AWS credentials: synthesis must need none (fixed accounts and zones, no lookups).
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    synth = spawnSync(
      join(root, 'node_modules', '.bin', 'cdk'),
      ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', out],
      {
        cwd: here,
        encoding: 'utf8',
        // cdk.json runs `node`: this very Node (22+, which strips types).
        env: {
          ...env,
          PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`,
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          CDK_DISABLE_VERSION_CHECK: 'true',
        },
      },
    );
    if (synth.status !== 0) return;
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      artifacts: Record<
        string,
        {
          type: string;
          environment?: string;
          dependencies?: string[];
          properties?: { templateFile?: string };
        }
      >;
      missing?: unknown[];
    };
    expect(manifest.missing ?? []).toEqual([]);
    dependencies = new Map(
      Object.entries(manifest.artifacts).map(([name, artifact]) => [
        name,
        (artifact.dependencies ?? []).filter((dependency) => !dependency.endsWith('.assets')),
      ]),
    );
    templates = Object.entries(manifest.artifacts)
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
      .map(([stackName, artifact]) => ({
        stackName,
        region: artifact.environment!.split('/').pop()!,
        file: join(out, artifact.properties!.templateFile!),
      }));
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes every stack of every stage without AWS credentials', () => {
    expect({ status: synth.status, stderr: synth.status === 0 ? '' : String(synth.stderr) }).toEqual({
      status: 0,
      stderr: '',
    });
    const expected = stages.flatMap((stage) =>
      concerns.map((concern) => `${resourceNames(stage).prefix}-${concern}`),
    );
    expect(templates.map((template) => template.stackName).sort()).toEqual(expected.sort());
  });

  it('deploys in the order the README gives: what others name by ARN or reference first', () => {
    for (const stage of stages) {
      const stack = (concern: string) => `${resourceNames(stage).prefix}-${concern}`;
      const after = (concern: string) => [...(dependencies.get(stack(concern)) ?? [])].sort();
      expect(after('disaster-recovery')).toEqual([]);
      expect(after('dns')).toEqual([]);
      expect(after('global')).toEqual([stack('dns')]);
      expect(after('data')).toEqual([stack('disaster-recovery')]);
      expect(after('storage')).toEqual([stack('disaster-recovery')]);
      expect(after('cluster')).toEqual([stack('dns')]);
      expect(after('mail')).toEqual([stack('dns')]);
      expect(after('edge')).toEqual([stack('dns'), stack('global')].sort());
      expect(after('access')).toEqual([stack('cluster')]);
      expect(after('monitoring')).toEqual([stack('data'), stack('mail'), stack('storage')].sort());
    }
  });

  it('passes cfn-lint (errors, warnings and informational checks), but for the waived findings', () => {
    const cfnLint = testEnvironment().CFN_LINT_PATH;
    expect(cfnLint, 'CFN_LINT_PATH: the local stack installs cfn-lint (npm test sets it)').toBeTruthy();
    const findings: Finding[] = [];
    for (const region of new Set(templates.map((template) => template.region))) {
      const files = templates
        .filter((template) => template.region === region)
        .map((template) => template.file);
      const lint = spawnSync(
        cfnLint!,
        ['--format', 'json', '--include-checks', 'I', '--regions', region, '--', ...files],
        { encoding: 'utf8' },
      );
      // cfn-lint exits non-zero when it finds anything; a crash prints no JSON.
      expect(lint.stdout, String(lint.stderr)).toMatch(/^\s*\[/);
      findings.push(...(JSON.parse(lint.stdout) as Finding[]));
    }
    const waiverOf = (finding: Finding) =>
      cfnLintWaivers.find(
        (waiver) =>
          waiver.rule === finding.Rule.Id &&
          finding.Location.Path[0] === 'Resources' &&
          String(finding.Location.Path[1]).startsWith(waiver.resourcePrefix),
      );
    const unwaived = findings
      .filter((finding) => !waiverOf(finding))
      .map(
        (finding) =>
          `${finding.Filename}: ${finding.Rule.Id} ${finding.Location.Path.join('/')}: ${finding.Message}`,
      );
    expect(unwaived).toEqual([]);
    const used = new Set(findings.map(waiverOf));
    expect(cfnLintWaivers.filter((waiver) => !used.has(waiver))).toEqual([]);
    // One cfn-lint run per region (eu-west-3, eu-west-1, us-east-1): about 2 s each.
  }, 120_000);
});

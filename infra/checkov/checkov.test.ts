import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cocagneApp } from '../aws/app.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { waivers, type Waiver } from './waivers.ts';
import { infraCheckersReady, infraCheckersWaitMs } from '../../tests/support/side-lanes.ts';

// The checkers this file runs: `npm test` installs them beside the first tests.
beforeAll(() => infraCheckersReady(), infraCheckersWaitMs);

/**
 * checkov (PyPI, pinned in infra/local/versions.ts) on what production runs: the CloudFormation
 * templates of every stage (infra/aws, synthesized here as `cdk synth` does), the Kubernetes
 * objects as Flux applies them (every kustomization of infra/k8s and infra/flux, built by
 * kustomize), the images' Dockerfiles and the GitHub Actions workflows. Every finding is fixed
 * or waived in waivers.ts with its reason; a waiver that matches nothing fails too.
 */

const run = promisify(execFile);
const rootDir = join(import.meta.dirname, '..', '..');
const env = testEnvironment();

interface Finding {
  check: string;
  name: string;
  resource: string;
  file: string;
  framework: string;
}

/** Every folder below `dir` holding a kustomization.yaml (components are built by those that use them). */
function kustomizations(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (folder: string) => {
    const entries = readdirSync(folder);
    if (
      entries.includes('kustomization.yaml') &&
      !/^kind:\s*Component\s*$/m.test(readFileSync(join(folder, 'kustomization.yaml'), 'utf8'))
    )
      found.push(folder);
    for (const entry of entries) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return found.sort();
}

const filesIn = (dir: string, pattern: RegExp): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => pattern.test(name))
        .map((name) => join(dir, name))
    : [];

interface Report {
  check_type: string;
  summary: { passed: number; failed: number; resource_count: number };
  results: {
    failed_checks: Array<{ check_id: string; check_name: string; resource: string; file_path: string }>;
  };
}

/** One checkov run: its reports (checkov exits 1 when it finds something; the findings are judged by the tests). */
async function checkov(args: string[]): Promise<Report[]> {
  const { stdout } = await run(
    env.CHECKOV_PATH!,
    // Offline: the checks shipped with the pinned version, no platform calls.
    [...args, '--output', 'json', '--quiet', '--compact', '--skip-download'],
    { maxBuffer: 64 << 20, env: { ...process.env, LOG_LEVEL: 'ERROR' } },
  ).catch((err: { stdout?: string; stderr?: string; code?: number }) => {
    if (err.code === 1 && err.stdout) return { stdout: err.stdout };
    throw new Error(`checkov ${args.join(' ')} failed (exit ${err.code}): ${err.stderr ?? ''}`);
  });
  // Nothing to check prints an empty list.
  const parsed = JSON.parse(stdout) as Report | Report[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

describe('checkov on the production infrastructure', () => {
  let workDir: string;
  let findings: Finding[] = [];
  let checked = 0;
  let resources = 0;
  const checksBy = new Map<string, number>();
  let inputs = '';

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'cocagne-checkov-'));
    const manifests = join(workDir, 'kubernetes');
    mkdirSync(manifests);
    const templates = join(workDir, 'cdk.out');
    const { context } = JSON.parse(readFileSync(join(rootDir, 'infra', 'aws', 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    cocagneApp(new App({ context, outdir: templates })).app.synth();
    const folders = [
      ...kustomizations(join(rootDir, 'infra', 'k8s')),
      ...kustomizations(join(rootDir, 'infra', 'flux')),
    ];
    for (const folder of folders) {
      const { stdout } = await run(env.KUSTOMIZE_PATH!, ['build', folder], { maxBuffer: 64 << 20 });
      writeFileSync(join(manifests, `${relative(rootDir, folder).replaceAll('/', '__')}.yaml`), stdout);
    }
    const files = filesIn(join(rootDir, 'infra', 'images'), /\.Dockerfile$/);
    // One run per kind of input: checkov prints one JSON report per framework, and mixing
    // folders and files in one run printed two reports side by side.
    const runs = [
      ['--directory', templates, '--framework', 'cloudformation'],
      ['--directory', manifests, '--framework', 'kubernetes'],
      [...files.flatMap((file) => ['--file', file]), '--framework', 'dockerfile'],
      // Workflows are found by their folder (given as files, checkov ran no check on them).
      ['--directory', join(rootDir, '.github', 'workflows'), '--framework', 'github_actions'],
    ];
    for (const reports of await Promise.all(runs.map(checkov))) {
      for (const report of reports) {
        checked += report.summary.passed + report.summary.failed;
        resources += report.summary.resource_count;
        checksBy.set(
          report.check_type,
          (checksBy.get(report.check_type) ?? 0) + report.summary.passed + report.summary.failed,
        );
        for (const failed of report.results.failed_checks)
          findings.push({
            check: failed.check_id,
            name: failed.check_name,
            resource: failed.resource,
            file: failed.file_path,
            framework: report.check_type,
          });
      }
    }
    inputs = `${folders.length} kustomizations, ${files.length} Dockerfiles, the workflows and the templates of ${readdirSync(templates).filter((name) => name.endsWith('.template.json')).length} stacks`;
    findings = findings.sort((a, b) => `${a.check}${a.resource}`.localeCompare(`${b.check}${b.resource}`));
    console.log(`checkov: ${inputs}; ${resources} resources, ${checked} checks, ${findings.length} findings`);
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const waivedBy = (finding: Finding): Waiver | undefined =>
    waivers.find((waiver) => waiver.check === finding.check && waiver.resource.test(finding.resource));

  it('checks every kind of file it is given', () => {
    // Each framework ran checks: none was silently given nothing (checkov counts no resources
    // for workflows, only checks).
    for (const framework of ['cloudformation', 'kubernetes', 'dockerfile', 'github_actions'])
      expect(checksBy.get(framework) ?? 0, framework).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(0);
  });

  it('finds nothing that is not fixed or waived with a reason', () => {
    const open = findings
      .filter((finding) => !waivedBy(finding))
      .map((f) => `${f.check} ${f.resource} (${f.framework}, ${f.file}): ${f.name}`);
    expect(open, open.join('\n')).toEqual([]);
  });

  it('has no waiver left that matches nothing', () => {
    const stale = waivers
      .filter((waiver) => !findings.some((finding) => waivedBy(finding) === waiver))
      .map((waiver) => `${waiver.check} ${String(waiver.resource)}`);
    expect(stale).toEqual([]);
    for (const waiver of waivers) expect(waiver.reason.length, waiver.check).toBeGreaterThan(30);
  });
});

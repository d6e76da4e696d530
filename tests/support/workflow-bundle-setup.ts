// Vitest global setup of the projects whose tests run Temporal workers: the workflow code is
// bundled (webpack, a few seconds of CPU) once per run, from the sources as they are now, and
// every test file's workers load that one bundle. Without it each test file, in its own
// isolated module graph, bundled the same code again.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { workflowsPath } from '../../temporal/workflow-source.ts';
import { silentLogger } from './quiet-logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The workflow bundle this run's test workers load (code and source map, as JSON). */
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'cocagne-workflow-bundle-'));
  const path = join(dir, 'bundle.json');
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: silentLogger });
  await writeFile(path, JSON.stringify(bundle));
  project.provide('workflowBundlePath', path);
  return () => rm(dir, { recursive: true, force: true });
}

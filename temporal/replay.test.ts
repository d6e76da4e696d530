import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { workflowBundle } from '../tests/support/temporal.ts';
import { testDataConverter } from '../tests/support/environment.ts';
import { workflowSource } from './workflow-source.ts';

const folder = new URL('./histories/', import.meta.url);

async function replayAll(bundle: WorkflowBundleOption) {
  const files = (await readdir(folder)).filter((file) => file.endsWith('.json'));
  const histories = await Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(await readFile(new URL(file, folder), 'utf8')) as unknown,
    })),
  );
  const results = [];
  // Histories recorded before payloads were sealed read as they are; later ones need the key.
  const options = { workflowBundle: bundle, dataConverter: testDataConverter() };
  for await (const result of Worker.runReplayHistories(options, histories)) {
    results.push({ workflowId: result.workflowId, error: result.error?.message });
  }
  return { files, results };
}

describe('replay of recorded workflow histories', () => {
  it('replays every committed history with the current workflow code', async () => {
    const { files, results } = await replayAll(await workflowBundle());
    expect(files.length).toBeGreaterThan(0);
    expect(results).toEqual(
      files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), error: undefined })),
    );
  });

  it('replays them with the prebuilt production bundle too', async () => {
    const script = fileURLToPath(new URL('./build-workflow-bundle.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [script]);
    expect(stdout).toMatch(/Workflow bundle written/);
    const prebuilt = fileURLToPath(new URL('./dist/workflow-bundle.js', import.meta.url));
    const { results } = await replayAll(await workflowSource(prebuilt));
    expect(results.every((result) => result.error === undefined)).toBe(true);
  });
});

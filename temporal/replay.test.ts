import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../tests/support/temporal.ts';

const folder = new URL('./histories/', import.meta.url);

describe('replay of recorded workflow histories', () => {
  it('replays every committed history with the current workflow code', async () => {
    const files = (await readdir(folder)).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: file.replace(/\.json$/, ''),
        history: JSON.parse(await readFile(new URL(file, folder), 'utf8')) as unknown,
      })),
    );
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      histories,
    )) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(
      files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), error: undefined })),
    );
  });
});

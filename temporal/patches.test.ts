import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { workflowPatches } from './patches.ts';

const root = new URL('../', import.meta.url);
const histories = new URL('./histories/', import.meta.url);

/** The patch ids the workflow code passes to `patched()` or `deprecatePatch()`, with where. */
async function patchIdsInCode(): Promise<Map<string, string[]>> {
  const files = (await readdir(new URL('workflows/', root), { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );
  const ids = new Map<string, string[]>();
  for (const file of files) {
    const source = await readFile(new URL(`workflows/${file}`, root), 'utf8');
    for (const call of source.matchAll(/\b(?:patched|deprecatePatch)\(([^)]*)\)/g)) {
      const id = /^\s*'([^']+)'\s*$/.exec(call[1] ?? '')?.[1];
      // An id computed at run time could not be checked here, nor retired by reading the code.
      if (!id) throw new Error(`workflows/${file}: ${call[0]} does not name its patch id literally`);
      ids.set(id, [...(ids.get(id) ?? []), `workflows/${file}`]);
    }
  }
  return ids;
}

/**
 * The patch ids recorded in each committed history: the SDK writes a `core_patch` marker
 * whose details hold `{ id, deprecated }` as a JSON payload, the first time a run reaches
 * `patched(id)`.
 */
async function patchIdsInHistories(): Promise<Map<string, string[]>> {
  const files = (await readdir(histories)).filter((file) => file.endsWith('.json'));
  const ids = new Map<string, string[]>();
  for (const file of files) {
    const history = JSON.parse(await readFile(new URL(file, histories), 'utf8')) as {
      events: Array<{
        markerRecordedEventAttributes?: {
          markerName?: string;
          details?: Record<string, { payloads?: Array<{ data?: string }> }>;
        };
      }>;
    };
    for (const event of history.events) {
      const marker = event.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_patch') continue;
      for (const payload of marker.details?.['patch-data']?.payloads ?? []) {
        const { id } = JSON.parse(Buffer.from(payload.data ?? '', 'base64').toString('utf8')) as {
          id: string;
        };
        ids.set(id, [...(ids.get(id) ?? []), file]);
      }
    }
  }
  return ids;
}

describe('the list of workflow patches (temporal/patches.ts)', () => {
  it('names every patch id the workflows use, and no other', async () => {
    const inCode = await patchIdsInCode();
    const listed = workflowPatches.map((patch) => patch.id);
    expect(new Set(listed).size, 'an id listed twice').toBe(listed.length);
    expect(
      [...inCode.keys()].filter((id) => !listed.includes(id)),
      'used in workflows/ but not listed',
    ).toEqual([]);
    expect(
      listed.filter((id) => !inCode.has(id)),
      'listed but no longer in workflows/: remove it from the list',
    ).toEqual([]);
  });

  it('says of each when it was added and when it can be retired', () => {
    for (const patch of workflowPatches) {
      expect(patch.workflows.length, patch.id).toBeGreaterThan(0);
      expect(patch.change.trim(), patch.id).not.toBe('');
      expect(patch.added.commit, patch.id).toMatch(/^[0-9a-f]{7,40}$/);
      expect(patch.added.on, patch.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(patch.retireWhen.trim(), patch.id).not.toBe('');
    }
  });

  it('has each patch recorded in a committed history, so that replay exercises its new branch', async () => {
    const recorded = await patchIdsInHistories();
    const missing = workflowPatches
      .filter((patch) => !recorded.has(patch.id) && !patch.noHistoryYet?.trim())
      .map((patch) => patch.id);
    expect(missing, 'record a history that reaches patched(id): see tests/record-*.ts').toEqual([]);
    // A reason for "no history yet" that no longer holds is stale.
    const stale = workflowPatches
      .filter((patch) => patch.noHistoryYet && recorded.has(patch.id))
      .map((patch) => patch.id);
    expect(stale, 'recorded now: drop noHistoryYet').toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemberDataExportStore } from '../../adapters/store/member-data-export-store.ts';
import { memberDataExportKey, type MemberDataExportRef } from '../../domain/member-data-export.ts';
import { testActivities, testDocuments } from '../../tests/support/environment.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import { memberDataExportStatusQuery, memberDataExportType, memberDataExportWorkflowId } from './contract.ts';
import type { memberDataExport } from './workflow.ts';

/**
 * A member's data export kept no longer than it may be downloaded: on the time-skipping
 * server, the files are there once ready and gone once the seven days have passed.
 */
describe("a member's data export", { timeout: 120_000 }, () => {
  const garden = workflowTestGarden('data-export-expiry');
  const documents = testDocuments();
  const exists = (key: string) =>
    documents.get(key).then(
      () => true,
      () => false,
    );

  it('deletes both files from S3 once they expire', async () => {
    const { store, gardenId, env } = garden;
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const requestedAt = new Date(await env.currentTimeMs()).toISOString();
    await store.members.create(gardenId, memberId, { firstName: 'Rose', lastName: 'Éphémère' }, requestedAt);
    const ref: MemberDataExportRef = { gardenId, memberId, exportId: randomUUID() };
    await createMemberDataExportStore(store.db, store.tables).open(
      gardenId,
      { exportId: ref.exportId, memberId, status: 'preparing', requestedAt },
      requestedAt,
    );
    const keys = [memberDataExportKey(ref, 'export.json'), memberDataExportKey(ref, 'export.pdf')];

    await withTestWorker(env, testActivities(store), async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof memberDataExport>(memberDataExportType, {
        taskQueue,
        workflowId: memberDataExportWorkflowId(ref),
        args: [{ ...ref, requestedAt }],
      });
      // Ready: both files are there to download (the server's clock does not run meanwhile).
      await expect.poll(() => handle.query(memberDataExportStatusQuery), { timeout: 30_000 }).toBe('ready');
      expect(await Promise.all(keys.map(exists))).toEqual([true, true]);
      // Seven days later (skipped), the run ends with both gone.
      expect(await handle.result()).toMatchObject({ status: 'ready' });
    });
    expect(await Promise.all(keys.map(exists))).toEqual([false, false]);
    expect(await store.incidents.list(gardenId)).toEqual([]);
  });
});

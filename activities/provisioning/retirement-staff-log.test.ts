// Retiring a garden takes its staff action log and its archived histories with it, against the
// local stack (DynamoDB Local, S3 on versitygw): the log goes into the export, then out of the
// table with its origins; the archived histories move to the kept archive. A retry after a
// crash does it once.
import { randomUUID } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendStaffAction, sha256Hex } from '../../adapters/store/action-log.ts';
import type { Store } from '../../adapters/store/index.ts';
import { archivedRunKey } from '../../domain/journal/archive-keys.ts';
import { verifyChain, type StaffActionDraft } from '../../domain/journal/staff-actions.ts';
import {
  testEnvironment,
  testGarden,
  testHistoryArchive,
  testStore,
  uniqueGardenId,
} from '../../tests/support/environment.ts';
import { createGardenBlobs } from './garden-configuration.ts';
import {
  createProvisioningActivities,
  type ExportedStaffActions,
  type ProvisioningPorts,
} from './provisioning-activities.ts';

const env = testEnvironment();
const bucket = env.S3_BUCKET ?? 'cocagne-documents';
const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
const blobs = createGardenBlobs(s3, bucket);

const claire = { id: 'u-claire', name: 'Claire M.', role: 'garden-admin' };
const invitation = (email: string): StaffActionDraft => ({
  action: 'account.invited',
  subject: { kind: 'account', id: `a-${email}` },
  actor: claire,
  reason: 'nouvelle bénévole',
  after: { email, role: 'staff' },
});
const origin = { ip: '203.0.113.7', userAgent: 'Firefox' };

describe("a garden's retirement and its staff action log and archived histories", () => {
  let store: Store;
  const gardenId = uniqueGardenId('retire-log');
  const runKey = archivedRunKey(gardenId, `${gardenId}/subscription/m-1`, randomUUID());
  const keptRunKey = `archives/${gardenId}/history-archive/${runKey.slice(`history-archive/${gardenId}/`.length)}`;

  const partition = async (pk: string) =>
    (
      await store.db.send(
        new QueryCommand({
          TableName: store.tables.gardens,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      )
    ).Items ?? [];

  beforeAll(async () => {
    store = await testStore();
    await store.gardens.register({ ...testGarden(gardenId), state: 'active' });
  });
  afterAll(async () => {
    for (const prefix of [`${gardenId}/`, `archives/${gardenId}/`, `history-archive/${gardenId}/`]) {
      const keys = await blobs.keysUnder(prefix);
      if (keys.length > 0) {
        await s3.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
        );
      }
    }
    await store.db.send(
      new DeleteCommand({ TableName: store.tables.control, Key: { pk: 'GARDEN', sk: gardenId } }),
    );
    store?.close();
    s3.destroy();
  });

  it('exports the log with its hashes, erases it and its origins, moves the histories; a retry is harmless', async () => {
    await appendStaffAction(store, gardenId, invitation('lea@example.org'), origin);
    await appendStaffAction(store, gardenId, invitation('ines@example.org'), origin);
    await appendStaffAction(store, gardenId, invitation('marc@example.org'));
    await testHistoryArchive().write(gardenId, {
      workflowId: `${gardenId}/subscription/m-1`,
      runId: runKey.split('/').pop()?.replace('.json.gz', '') ?? '',
      workflowType: 'subscriptionLifecycle',
      closeTime: '2026-11-30T10:00:00.000Z',
      history: { events: [{ eventId: '1' }] },
    });
    expect(await blobs.keysUnder(`history-archive/${gardenId}/`)).toEqual([runKey]);
    const bytesOf = async (key: string) =>
      Buffer.from(
        (await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        ).Body?.transformToByteArray()) ?? [],
      );
    const archived = await bytesOf(runKey);

    // A crash right after the log's deletion went through: the activity fails once, before the
    // histories are moved; Temporal runs it again.
    let crashes = 1;
    const db = new Proxy(store.db, {
      get(target, name, receiver) {
        if (name !== 'send') return Reflect.get(target, name, receiver) as unknown;
        return async (command: unknown) => {
          const answer = await target.send(command as never);
          const deletions = command instanceof BatchWriteCommand ? command.input.RequestItems : undefined;
          const pks = Object.values(deletions ?? {}).flatMap((requests) =>
            requests.map((request) => String(request.DeleteRequest?.Key?.pk)),
          );
          if (crashes > 0 && pks.some((pk) => pk === `ACTIONS#${gardenId}`)) {
            crashes--;
            throw new Error('The worker died');
          }
          return answer;
        };
      },
    });
    const activities = createProvisioningActivities({
      store: { ...store, db },
      blobs,
    } as unknown as ProvisioningPorts);

    const exportId = 'e1';
    await activities.exportGardenData({ gardenId, exportId });
    // Logged after the export step (before the accounts are disabled): the data step adds it.
    await appendStaffAction(store, gardenId, invitation('paul@example.org'), origin);

    await expect(activities.eraseGardenData({ gardenId })).rejects.toThrow(/The worker died/);
    expect(await partition(`ACTIONS#${gardenId}`)).toEqual([]);
    const done = await activities.eraseGardenData({ gardenId });
    expect(done.note?.en).toContain('staff action log (4 entries');
    expect(done.note?.en).toContain('1 archived process histories moved');
    expect(done.note?.en).not.toContain('does not verify');

    // Nothing of the log, its origins or the live histories is left.
    expect(await partition(`ACTIONS#${gardenId}`)).toEqual([]);
    expect(await partition(`ACTIONORIGIN#${gardenId}`)).toEqual([]);
    expect(await blobs.keysUnder(`history-archive/${gardenId}/`)).toEqual([]);
    // The history is in the kept archive, whole.
    expect(await blobs.keysUnder(`archives/${gardenId}/`)).toEqual([keptRunKey]);
    const kept = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keptRunKey }));
    expect(kept.ContentEncoding).toBe('gzip');
    expect(await bytesOf(keptRunKey)).toEqual(archived);

    // The export holds every entry with its hash; the chain verifies from the file alone.
    const exportKey = `${gardenId}/exports/staff-actions-${exportId}.json`;
    const main = await blobs.readJson<{ staffActions: { key: string } }>(
      `${gardenId}/exports/retirement-${exportId}.json`,
    );
    expect(main?.staffActions.key).toBe(exportKey);
    const exported = await blobs.readJson<ExportedStaffActions>(exportKey);
    expect(exported?.entries.map((entry) => [entry.seq, entry.after])).toEqual([
      [1, { email: 'lea@example.org', role: 'staff' }],
      [2, { email: 'ines@example.org', role: 'staff' }],
      [3, { email: 'marc@example.org', role: 'staff' }],
      [4, { email: 'paul@example.org', role: 'staff' }],
    ]);
    expect(exported?.head?.seq).toBe(4);
    expect(verifyChain(exported?.entries ?? [], sha256Hex, exported?.head ?? null)).toEqual({
      ok: true,
      count: 4,
    });
    // The requests' addresses are not kept in it.
    expect(JSON.stringify(exported)).not.toContain(origin.ip);

    // Once more: the same export, nothing moved twice, nothing lost.
    const again = await activities.eraseGardenData({ gardenId });
    expect(again.note?.en).toContain('staff action log (4 entries');
    expect(again.note?.en).toContain('0 archived process histories moved');
    expect((await blobs.readJson<ExportedStaffActions>(exportKey))?.entries).toEqual(exported?.entries);
    expect(await blobs.keysUnder(`archives/${gardenId}/`)).toEqual([keptRunKey]);
  });
});

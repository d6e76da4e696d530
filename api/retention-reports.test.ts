import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetentionReportStore } from '../adapters/store/retention-report-store.ts';
import type { RetentionReport } from '../domain/retention-sweep.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/** What the nightly retention sweeps did, for the garden's administrators only. */
describe('retention reports', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;

  beforeAll(async () => {
    api = await startTestApi('retention-reports');
    gardenAdmin = await createAccount({ role: 'garden-admin', gardenId: api.gardenId });
  });
  afterAll(async () => {
    if (gardenAdmin) await deleteAccounts([gardenAdmin]);
    await api?.close();
  });

  const url = (query = '') => `/api/gardens/${api.gardenId}/retention-reports${query}`;
  const report = (ranAt: string): RetentionReport => ({
    gardenId: api.gardenId,
    ranAt,
    timeZone: 'Europe/Paris',
    rules: [
      {
        kind: 'notificationLog',
        action: 'delete',
        keepFrom: '2025-12-07',
        removed: 12,
        listed: 0,
        errors: 1,
        problems: ['NOTIFICATION#k-1: no readable sending date'],
        outcome: 'done',
      },
    ],
  });

  it('lists the reports latest first, a page at a time, for garden administrators', async () => {
    const reports = createRetentionReportStore(api.store.db, api.store.tables);
    for (const night of ['2026-12-05', '2026-12-06', '2026-12-07'])
      await reports.save(report(`${night}T03:10:00.000Z`));

    const first = await api.call(gardenAdmin, 'GET', url('?limit=2'));
    expect(first.statusCode, first.body).toBe(200);
    const firstPage = first.json<{ reports: RetentionReport[]; nextCursor?: string }>();
    expect(firstPage.reports.map((each) => each.ranAt)).toEqual([
      '2026-12-07T03:10:00.000Z',
      '2026-12-06T03:10:00.000Z',
    ]);
    expect(firstPage.reports[0]).toEqual(report('2026-12-07T03:10:00.000Z'));
    const second = await api.call(gardenAdmin, 'GET', url(`?limit=2&cursor=${firstPage.nextCursor}`));
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json<{ reports: RetentionReport[]; nextCursor?: string }>()).toEqual({
      reports: [report('2026-12-05T03:10:00.000Z')],
    });
  });

  it('refuses staff, members and other gardens’ accounts', async () => {
    for (const account of [
      api.accounts.staff,
      api.accounts.member,
      api.accounts.driver,
      api.accounts.otherStaff,
    ]) {
      const response = await api.call(account, 'GET', url());
      expect(response.statusCode, response.body).toBe(403);
    }
  });

  it('answers a cursor it did not make with a 400 and a sentence', async () => {
    const foreign = Buffer.from(JSON.stringify({ pk: api.gardenId, sk: 'MEMBER#m-1' })).toString('base64url');
    const response = await api.call(gardenAdmin, 'GET', url(`?cursor=${foreign}`));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<{ message: string }>().message).toBe(
      "Cette page n'existe plus : revenez à la première page.",
    );
  });
});

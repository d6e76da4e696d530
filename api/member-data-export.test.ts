import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MemberDataExportRecord } from '../domain/member-data-export.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/** A member's data export (RGPD article 20): asked, prepared by its workflow, downloaded. */
describe('member data export', () => {
  let api: TestApi;
  let neighbour: TestAccount;
  const subscriptionId = `s-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    api = await startTestApi('data-export');
    const other = await api.createMember({ firstName: 'Henri', lastName: 'Voisin' });
    neighbour = await createAccount({ role: 'member', gardenId: api.gardenId, memberId: other.id });
    const at = new Date().toISOString();
    await api.store.subscriptions.record({
      id: subscriptionId,
      gardenId: api.gardenId,
      memberId: api.member.id,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: '2026-01-06',
      status: 'active',
      requested: { by: { userId: 'test', name: 'Test' }, at },
      updatedAt: at,
      revision: 1,
    });
    await api.store.invoices.issue(
      {
        gardenId: api.gardenId,
        memberId: api.member.id,
        subject: 'Paniers <b>de janvier</b>',
        issuedOn: '2026-01-01',
        dueOn: '2026-01-10',
        lines: [{ label: 'Panier moyen', quantity: 4, unitPrice: 1500, amount: 6000 }],
        total: 6000,
      },
      `test/${api.member.id}/export`,
    );
    await api.store.consents.append(api.gardenId, randomUUID(), {
      memberId: api.member.id,
      at,
      how: 'portal',
      kind: 'optional',
      purpose: 'newsletter',
      given: true,
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await deleteAccounts([neighbour]);
    await api?.close();
  });

  const exportsUrl = (memberId: string, suffix = '') =>
    `/api/gardens/${api.gardenId}/members/${memberId}/data-exports${suffix}`;

  it('prepares the export, serves it to the member only, for seven days', async () => {
    const asked = await api.call(api.accounts.member, 'POST', exportsUrl(api.member.id));
    expect(asked.statusCode, asked.body).toBe(202);
    const { exportId } = asked.json<MemberDataExportRecord>();
    expect((await api.call(api.accounts.member, 'POST', exportsUrl(api.member.id))).statusCode).toBe(409);

    let record: MemberDataExportRecord | undefined;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const listed = await api.call(api.accounts.member, 'GET', exportsUrl(api.member.id));
      record = listed.json<MemberDataExportRecord[]>().find((each) => each.exportId === exportId);
      if (record?.status !== 'preparing') break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(record?.status).toBe('ready');

    const json = await api.call(
      api.accounts.member,
      'GET',
      exportsUrl(api.member.id, `/${exportId}/export.json`),
    );
    expect(json.statusCode, json.body).toBe(200);
    const data = json.json<{
      member: { id: string };
      subscriptions: Array<{ id: string }>;
      invoices: Array<{ subject: string }>;
      consents: Array<{ purpose?: string }>;
    }>();
    expect(data.member.id).toBe(api.member.id);
    expect(data.subscriptions.map((each) => each.id)).toEqual([subscriptionId]);
    expect(data.invoices.map((each) => each.subject)).toEqual(['Paniers <b>de janvier</b>']);
    expect(data.consents.map((each) => each.purpose)).toEqual(['newsletter']);
    const pdf = await api.call(
      api.accounts.member,
      'GET',
      exportsUrl(api.member.id, `/${exportId}/export.pdf`),
    );
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    // Another household's export is a missing one; staff may not download it.
    const path = exportsUrl(api.member.id, `/${exportId}/export.json`);
    expect((await api.call(neighbour, 'GET', path)).statusCode).toBe(404);
    expect((await api.call(api.accounts.staff, 'GET', path)).statusCode).toBe(403);

    // The email leads to « Mes données », not to the file.
    // The email is the step after the file is written, so it may come a moment later.
    await expect
      .poll(
        async () => {
          const sent = await api.store.notifications.listForMember(api.gardenId, api.member.id, {
            limit: 10,
          });
          return sent.entries.map((entry) => entry.kind);
        },
        { timeout: 30_000, interval: 300 },
      )
      .toContain('data-export-ready');

    const expiry = Date.parse(record?.expiresAt ?? '');
    vi.spyOn(api.app, 'now').mockReturnValue(new Date(expiry + 1_000));
    const expired = await api.call(api.accounts.member, 'GET', path);
    expect(expired.statusCode).toBe(410);
    expect(expired.json<{ message: string }>().message).toMatch(/expiré/);
  });
});

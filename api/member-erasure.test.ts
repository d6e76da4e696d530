import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStaffActions } from '../adapters/store/action-log.ts';
import { applyAsStaff, startTestApi, type TestApi } from '../tests/support/api.ts';
import { issueTestInvoice } from '../tests/support/billing.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { gardenDay } from '../domain/calendar.ts';
import { subscriptionProcessId } from '../domain/process-ids.ts';

interface ErasureAnswer {
  status: string;
  reference?: string;
  requestedBy?: string;
  blockers?: { unpaidInvoices: number[]; runningSubscriptions: string[] };
}

/** A member's erasure request through the API: who may ask, read and answer, and what is refused. */
describe('member erasure requests', () => {
  let api: TestApi;
  let neighbour: TestAccount;
  let neighbourId: string;

  beforeAll(async () => {
    api = await startTestApi('erasure-api');
    const other = await api.createMember({ firstName: 'Henri', lastName: 'Voisin' });
    neighbourId = other.id;
    neighbour = await createAccount({ role: 'member', gardenId: api.gardenId, memberId: other.id });
  });
  afterAll(async () => {
    await deleteAccounts([neighbour]);
    await api?.close();
  });

  /** An erasure request in a given state, as the process leaves it (the test takes a step alone). */
  const putErasure = (memberId: string, status: string) =>
    api.store.db.send(
      new PutCommand({
        TableName: api.store.tables.gardens,
        Item: {
          pk: api.gardenId,
          sk: `ERASURE#${memberId}`,
          entity: 'erasure',
          memberId,
          status,
          requestedAt: new Date().toISOString(),
          requestedBy: 'member',
        },
      }),
    );

  const url = (memberId: string, suffix = '') =>
    `/api/gardens/${api.gardenId}/members/${memberId}/erasure${suffix}`;

  it('answers « none » before any request, to the member and to staff', async () => {
    for (const account of [api.accounts.member, api.accounts.staff]) {
      const read = await api.call(account, 'GET', url(api.member.id));
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual({ status: 'none' });
    }
  });

  it("keeps another household's request out of reach, and the decision to staff", async () => {
    expect((await api.call(neighbour, 'GET', url(api.member.id))).statusCode).toBe(404);
    expect((await api.call(neighbour, 'POST', url(api.member.id))).statusCode).toBe(404);
    expect(
      (await api.call(api.accounts.member, 'POST', url(api.member.id, '/decision'), { decision: 'confirm' }))
        .statusCode,
    ).toBe(403);
    // Reserved words are no member's id: refused as such, before anything is read.
    expect((await api.call(api.accounts.staff, 'GET', url('constructor'))).statusCode).toBe(400);
    expect((await api.call(api.accounts.staff, 'POST', url('__proto__'))).statusCode).toBe(400);
    expect((await api.call(api.accounts.staff, 'POST', url('m-nobody'))).statusCode).toBe(404);
  });

  it('takes the request once, shows staff what is owed, refuses a blank reason and an early confirmation', async () => {
    const invoice = await issueTestInvoice(api, api.member.id, { total: 1800, dueOn: '2026-03-10' });
    const asked = await api.call(api.accounts.member, 'POST', url(api.member.id));
    expect(asked.statusCode, asked.body).toBe(202);
    const request = asked.json<ErasureAnswer>();
    expect(request).toMatchObject({ status: 'awaiting-staff', requestedBy: 'member' });
    expect(request.reference).toMatch(/^EFF-[2-9A-HJKMNP-Z]{6}$/);

    const again = await api.call(api.accounts.member, 'POST', url(api.member.id));
    expect(again.statusCode).toBe(409);
    expect(again.json<{ message: string }>().message).toContain('déjà en cours');

    const read = await api.call(api.accounts.staff, 'GET', url(api.member.id));
    expect(read.json<ErasureAnswer>()).toMatchObject({
      status: 'awaiting-staff',
      blockers: { unpaidInvoices: [invoice.number], runningSubscriptions: [] },
    });

    const decision = url(api.member.id, '/decision');
    const blank = await api.call(api.accounts.staff, 'POST', decision, { decision: 'refuse', reason: '   ' });
    expect(blank.statusCode).toBe(422);
    const huge = await api.call(api.accounts.staff, 'POST', decision, {
      decision: 'refuse',
      reason: 'x'.repeat(1001),
    });
    expect(huge.statusCode).toBe(400);
    const odd = await api.call(api.accounts.staff, 'POST', decision, { decision: 'maybe' });
    expect(odd.statusCode).toBe(400);
    const early = await api.call(api.accounts.staff, 'POST', decision, { decision: 'confirm' });
    expect(early.statusCode).toBe(422);
    expect(early.json<{ message: string }>().message).toContain('une facture reste à payer');
    expect((await api.store.members.get(api.gardenId, api.member.id))?.lastName).toBe('Michel');

    // Refused with a reason: the member reads it, and may ask again.
    const refused = await api.call(api.accounts.staff, 'POST', decision, {
      decision: 'refuse',
      reason: 'La facture de mars reste à régler.',
    });
    expect(refused.statusCode, refused.body).toBe(200);
    await expect
      .poll(
        async () => (await api.call(api.accounts.member, 'GET', url(api.member.id))).json<ErasureAnswer>(),
        {
          timeout: 30_000,
        },
      )
      .toMatchObject({ status: 'refused', refusal: 'La facture de mars reste à régler.' });
    const late = await api.call(api.accounts.staff, 'POST', decision, { decision: 'confirm' });
    expect(late.statusCode).toBe(409);
    const anew = await api.call(api.accounts.member, 'POST', url(api.member.id));
    expect(anew.statusCode, anew.body).toBe(202);
    expect(anew.json<ErasureAnswer>().reference).not.toBe(request.reference);
  });

  it('lists the request in the staff inbox, with what is owed', async () => {
    await expect
      .poll(
        async () => {
          const inbox = await api.call(api.accounts.staff, 'GET', `/api/gardens/${api.gardenId}/inbox`);
          return inbox
            .json<{
              items: Array<{ kind: string; erasure?: { memberId: string; unpaidInvoices: number } }>;
            }>()
            .items.find((item) => item.kind === 'member-erasure');
        },
        { timeout: 30_000 },
      )
      .toMatchObject({
        erasure: { memberId: api.member.id, memberName: 'Louise Michel', unpaidInvoices: 1 },
      });
    expect(neighbourId).toBeDefined();
  });

  it('refuses edits of the record once staff confirmed the erasure, so that no name comes back', async () => {
    const member = await api.createMember({ firstName: 'Irène', lastName: 'Effacée' });
    const edit = async () =>
      api.call(api.accounts.staff, 'PUT', `/api/gardens/${api.gardenId}/members/${member.id}`, {
        firstName: 'Irène',
        lastName: 'Rétablie',
        version: (await api.store.members.get(api.gardenId, member.id))!.version,
      });
    // Asked, awaiting staff: the record may still be corrected.
    await putErasure(member.id, 'awaiting-staff');
    expect((await edit()).statusCode).toBe(200);

    for (const status of ['erasing', 'erased']) {
      await putErasure(member.id, status);
      const refused = await edit();
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json<{ message: string }>().message).toMatch(/effacées à sa demande/);
      expect((await api.store.members.get(api.gardenId, member.id))?.lastName).toBe('Rétablie');
    }
    const { entries } = await listStaffActions(api.store, api.gardenId, { limit: 200 });
    expect(
      entries.filter((entry) => entry.action === 'member.updated' && entry.subject.id === member.id),
    ).toHaveLength(1);
  });

  it("erases a member who owes nothing, and deletes their processes' histories from Temporal", async () => {
    // The neighbour's application, rejected: a process that ended, its history on the server
    // with what they asked for.
    const applied = await applyAsStaff(api, { memberId: neighbourId, startDate: gardenDay(new Date()) });
    expect(applied.statusCode, applied.body).toBe(201);
    const subscriptionId = applied.json<{ id: string }>().id;
    const rejected = await api.call(
      api.accounts.staff,
      'POST',
      `/api/gardens/${api.gardenId}/subscriptions/${subscriptionId}/decision`,
      {
        decision: 'reject',
        reason: 'Complet cette saison',
      },
    );
    expect(rejected.statusCode, rejected.body).toBe(200);
    const application = api.client.workflow.getHandle(subscriptionProcessId(api.gardenId, subscriptionId));
    await application.result();
    const runs = await application.describe();

    const asked = await api.call(neighbour, 'POST', url(neighbourId));
    expect(asked.statusCode, asked.body).toBe(202);
    const confirmed = await api.call(api.accounts.staff, 'POST', url(neighbourId, '/decision'), {
      decision: 'confirm',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    await expect
      .poll(
        async () =>
          (await api.call(api.accounts.staff, 'GET', url(neighbourId))).json<ErasureAnswer>().status,
        {
          timeout: 60_000,
        },
      )
      .toBe('erased');
    // The server deletes a run in the background: seconds, tens of seconds on a loaded machine.
    await expect
      .poll(
        () =>
          api.client.workflow
            .getHandle(runs.workflowId, runs.runId)
            .describe()
            .then(
              () => 'still there',
              () => 'deleted',
            ),
        { timeout: 80_000 },
      )
      .toBe('deleted');
  }, 180_000);
});

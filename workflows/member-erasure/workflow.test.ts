import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createMemberErasureActivities } from '../../activities/member-erasure.ts';
import type { Email } from '../../adapters/messaging/mailer.ts';
import { appendStaffAction, verifyActionChain } from '../../adapters/store/action-log.ts';
import { invoiceDocumentKey } from '../../adapters/store/documents.ts';
import { createMemberErasureStore } from '../../adapters/store/member-erasure-store.ts';
import { queryAll } from '../../adapters/store/query-all.ts';
import type { Member } from '../../domain/member.ts';
import { memberIdentifiers, mentionsAny } from '../../domain/member-erasure.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { subscriptionProcessId } from '../../domain/process-ids.ts';
import { testActivities, testDocuments } from '../../tests/support/environment.ts';
import { withTestWorker, workflowTestGarden, type WorkflowTestGarden } from '../../tests/support/temporal.ts';
import {
  decideErasureUpdate,
  erasureProgressQuery,
  erasureReminderDays,
  historiesPurgedAgainAfterDays,
  memberErasureType,
  memberErasureWorkflowId,
} from './contract.ts';
import type { memberErasure } from './workflow.ts';

const claire = { id: 'u-claire', name: 'Claire M.', role: 'staff' };

/** A member with everything that names them: the record, a subscription, an invoice printed, a message, a consent, an account, a journal entry. */
async function householdToErase(garden: WorkflowTestGarden) {
  const { store, gardenId, depotId, env } = garden;
  const at = new Date(await env.currentTimeMs()).toISOString();
  const suffix = randomUUID().slice(0, 6);
  const memberId = `m-${randomUUID().slice(0, 8)}`;
  const member: Member = await store.members.create(
    gardenId,
    memberId,
    {
      firstName: 'Rose',
      lastName: `Quenouille${suffix}`,
      email: `rose.${suffix}@example.org`,
      phone: '06 12 34 56 78',
      address: { street: `4 impasse des Saules ${suffix}`, postalCode: '25000', city: 'Besançon' },
      accessNotes: `Code 4521B ${suffix}`,
    },
    at,
  );
  const subscription: Subscription = {
    id: `s-${randomUUID().slice(0, 8)}`,
    gardenId,
    memberId,
    basketSize: 'medium',
    frequency: 'weekly',
    depotId,
    startDate: '2026-01-06',
    status: 'active',
    requested: { by: { userId: 'test', name: 'Test' }, at },
    updatedAt: at,
    revision: 1,
  };
  await store.subscriptions.record(subscription);
  const invoice = await store.invoices.issue(
    {
      gardenId,
      memberId,
      subject: 'Paniers de janvier',
      issuedOn: '2026-01-01',
      dueOn: '2026-01-10',
      lines: [{ label: 'Panier moyen', quantity: 4, unitPrice: 1500, amount: 6000 }],
      total: 6000,
    },
    `test/${memberId}/erasure`,
  );
  const key = invoiceDocumentKey(gardenId, invoice.number);
  await testDocuments().put(
    key,
    new TextEncoder().encode(`%PDF facture de ${member.lastName}`),
    'application/pdf',
  );
  await store.invoices.setDocument(gardenId, invoice.number, key);
  await store.notifications.claim({
    idempotencyKey: `${gardenId}/test/${memberId}`,
    gardenId,
    memberId,
    kind: 'absence-confirmed',
    subject: `Bonjour Rose ${member.lastName}, votre absence est notée`,
    now: at,
  });
  await store.consents.append(gardenId, randomUUID(), {
    memberId,
    accountId: 'u-rose',
    at,
    how: 'portal',
    origin: { ip: '203.0.113.7', userAgent: 'Firefox' },
    kind: 'optional',
    purpose: 'newsletter',
    given: true,
  });
  await store.members.bindAccount(gardenId, `u-rose-${suffix}`, memberId, at);
  await appendStaffAction(store, gardenId, {
    action: 'member.updated',
    subject: { kind: 'member', id: memberId },
    actor: claire,
    before: { lastName: 'Quenouille', email: member.email },
    after: { lastName: member.lastName, email: member.email },
  });
  // Another household's entry stays as it was.
  await appendStaffAction(store, gardenId, {
    action: 'depot.updated',
    subject: { kind: 'depot', id: depotId },
    actor: claire,
    before: { capacity: 20 },
    after: { capacity: 25 },
  });
  const erasures = createMemberErasureStore(store.db, store.tables);
  await erasures.open(gardenId, {
    memberId,
    status: 'awaiting-staff',
    reference: `EFF-${suffix.toUpperCase()}`,
    requestedAt: at,
    requestedBy: 'member',
  });
  return { member, subscription, invoice, erasures, reference: `EFF-${suffix.toUpperCase()}` };
}

/** The erasure's activities over the test's store, with the outside world recorded. */
function recordedActivities(garden: WorkflowTestGarden) {
  const sent: Email[] = [];
  const deletedAccounts: string[] = [];
  const printed: number[] = [];
  const purged: string[] = [];
  const activities = {
    ...testActivities(garden.store),
    ...createMemberErasureActivities({
      store: garden.store,
      documents: testDocuments(),
      mailer: {
        async send(email: Email) {
          sent.push(email);
          return { messageId: `m-${sent.length}` };
        },
      } as never,
      accounts: {
        memberAccountIds: async () => [],
        deleteMemberAccount: async ({ userId }) => {
          deletedAccounts.push(userId);
          return 'deleted';
        },
      },
      printInvoice: async ({ gardenId, invoiceNumber }) => {
        printed.push(invoiceNumber);
        return invoiceDocumentKey(gardenId, invoiceNumber);
      },
      printWeekDocuments: async () => [],
      // The real purge (Temporal's visibility, S3) is tested in activities/history-purge.test.ts.
      histories: {
        async purge(_gardenId, workflowIds) {
          purged.push(...workflowIds);
          return { runsDeleted: workflowIds.length, archivedRunsRemoved: 0, stillRunning: [] };
        },
      },
    }),
  };
  return { activities, sent, deletedAccounts, printed, purged };
}

const refusalOf = (error: unknown) =>
  error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? '') : String(error);

describe("a member's erasure (RGPD article 17)", { timeout: 180_000 }, () => {
  const garden = workflowTestGarden('member-erasure');

  it('is confirmed only once nothing is outstanding, then names the member nowhere but keeps the invoice', async () => {
    const { store, gardenId, env } = garden;
    const { member, subscription, invoice, erasures, reference } = await householdToErase(garden);
    const identifiers = memberIdentifiers(member);
    const { activities, sent, deletedAccounts, printed, purged } = recordedActivities(garden);

    await withTestWorker(env, activities, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof memberErasure>(memberErasureType, {
        taskQueue,
        workflowId: memberErasureWorkflowId({ gardenId, memberId: member.id }),
        args: [{ gardenId, memberId: member.id }],
      });
      await expect
        .poll(() => handle.query(erasureProgressQuery), { timeout: 30_000 })
        .toMatchObject({
          status: 'awaiting-staff',
          blockers: { unpaidInvoices: [invoice.number], runningSubscriptions: [subscription.id] },
        });

      // Staff confirm too early: refused, saying what is outstanding; nothing erased.
      const early = await handle
        .executeUpdate(decideErasureUpdate, { args: [{ decision: 'confirm', actor: claire }] })
        .then(() => 'accepted', refusalOf);
      expect(early).toContain('one invoice is still unpaid and one subscription is still running');
      expect((await store.members.get(gardenId, member.id))?.lastName).toBe(member.lastName);

      // Settled: the invoice written off, the subscription cancelled. Then confirmed.
      const at = new Date(await env.currentTimeMs()).toISOString();
      await store.invoices.writeOff(gardenId, invoice.number, {
        by: { userId: 'u-claire', name: 'Claire M.' },
        at,
      });
      await store.subscriptions.record({ ...subscription, status: 'cancelled', updatedAt: at, revision: 2 });
      await handle.executeUpdate(decideErasureUpdate, { args: [{ decision: 'confirm', actor: claire }] });
      await expect
        .poll(() => handle.query(erasureProgressQuery), { timeout: 30_000 })
        .toEqual({ status: 'erased' });
      // Erased and told at once; the histories are purged then, and again days later (a run
      // archived meanwhile, an export's run closed since), before the process ends.
      expect(purged).toEqual([subscriptionProcessId(gardenId, subscription.id)]);
      const erasedAt = await env.currentTimeMs();
      expect(await handle.result()).toEqual({ status: 'erased' });
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(
        erasedAt + historiesPurgedAgainAfterDays * 86_400_000,
      );
    });

    // The record keeps only the reference; the invoice stays, printed again.
    expect(await store.members.get(gardenId, member.id)).toMatchObject({
      firstName: 'Adhérent effacé',
      lastName: reference,
    });
    expect((await store.invoices.listForMember(gardenId, member.id)).map((each) => each.number)).toEqual([
      invoice.number,
    ]);
    expect(printed).toEqual([invoice.number]);
    expect(deletedAccounts).toHaveLength(1);
    // The subscription's process history goes; the invoice's collection is kept with the invoice.
    expect(purged).toEqual([
      subscriptionProcessId(gardenId, subscription.id),
      subscriptionProcessId(gardenId, subscription.id),
    ]);

    // Nowhere in the garden's partition, nor in its action log; the chain still holds.
    const items = [
      ...(await queryAll(store.db, {
        TableName: store.tables.gardens,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': gardenId },
      })),
      ...(await queryAll(store.db, {
        TableName: store.tables.gardens,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACTIONS#${gardenId}` },
      })),
    ];
    expect(items.filter((item) => mentionsAny(item, identifiers))).toEqual([]);
    expect(await verifyActionChain(store, gardenId)).toMatchObject({ ok: true });
    const consents = await store.consents.list(gardenId, member.id);
    expect(consents).toHaveLength(1);
    expect(consents[0]).not.toHaveProperty('origin');
    expect(consents[0]).not.toHaveProperty('accountId');
    expect(await store.members.memberOfAccount(gardenId, deletedAccounts[0] ?? '')).toBeUndefined();

    // Told once, at the address copied before, by reference; then the address is forgotten.
    expect(sent.map((email) => email.to)).toEqual([member.email]);
    expect(sent[0]?.text).toContain(reference);
    expect(
      mentionsAny(
        sent[0],
        identifiers.filter((text) => text !== member.email),
      ),
    ).toBe(false);
    const request = await erasures.get(gardenId, member.id);
    expect(request).toMatchObject({ status: 'erased', decidedBy: 'Claire M.' });
    expect(request?.acknowledgedAt).toBeDefined();
    expect(request).not.toHaveProperty('acknowledgeTo');
  });

  it('reminds staff after 20 days, asks a reason to refuse, and tells the member why', async () => {
    const { store, gardenId, env } = garden;
    const { member, erasures } = await householdToErase(garden);
    const { activities, sent } = recordedActivities(garden);

    await withTestWorker(env, activities, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof memberErasure>(memberErasureType, {
        taskQueue,
        workflowId: memberErasureWorkflowId({ gardenId, memberId: member.id }),
        args: [{ gardenId, memberId: member.id }],
      });
      await expect
        .poll(() => handle.query(erasureProgressQuery), { timeout: 30_000 })
        .toMatchObject({ status: 'awaiting-staff' });
      await env.sleep(`${erasureReminderDays + 1} days`);
      await expect
        .poll(async () => (await store.incidents.list(gardenId)).map((incident) => incident.key), {
          timeout: 30_000,
        })
        .toContain(`erasure-waiting/${handle.workflowId}`);

      const blank = await handle
        .executeUpdate(decideErasureUpdate, { args: [{ decision: 'refuse', reason: '  ', actor: claire }] })
        .then(() => 'accepted', refusalOf);
      expect(blank).toContain('Tell the member why');
      await handle.executeUpdate(decideErasureUpdate, {
        args: [{ decision: 'refuse', reason: 'Votre panier de mars reste à régler.', actor: claire }],
      });
      expect(await handle.result()).toEqual({ status: 'refused' });
      // Answered: a second answer is refused (the run is over).
    });

    expect((await store.members.get(gardenId, member.id))?.lastName).toBe(member.lastName);
    expect(await erasures.get(gardenId, member.id)).toMatchObject({
      status: 'refused',
      refusal: 'Votre panier de mars reste à régler.',
      decidedBy: 'Claire M.',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: member.email });
    expect(sent[0]?.text).toContain('Votre panier de mars reste à régler.');
  });
});

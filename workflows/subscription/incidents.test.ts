import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { withTemporalFailures } from '../../activities/failures.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { failureTypes } from '../../domain/failure-types.ts';
import { incidentKeys } from '../../domain/incidents.ts';
import { testActivities } from '../../tests/support/environment.ts';
import { memberApplication } from '../../tests/support/applications.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import { retryNowSignal } from '../incidents/contract.ts';
import {
  accountLinkQuery,
  decideUpdate,
  subscriptionQuery,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from './contract.ts';

const staff = { userId: 'u-staff', name: 'Camille Martin' };

/**
 * A subscription whose steps fail: its retries have a bound, staff hear of it in the inbox,
 * and nothing is lost; the store or the identity provider coming back lets it go on.
 */
describe('a subscription whose steps keep failing', () => {
  // Each test on its own time-skipping server: a workflow a test leaves waiting on retries
  // would otherwise hold the next test's clock.
  const garden = workflowTestGarden('stalled', { serverPerTest: true });

  const application = (memberId: string) =>
    memberApplication(garden.store, garden.gardenId, garden.depotId, memberId);

  const run = <T>(
    overrides: Partial<ReturnType<typeof testActivities>>,
    body: (taskQueue: string) => Promise<T>,
  ) => withTestWorker(garden.env, { ...testActivities(garden.store), ...overrides }, body);

  /** Starts the subscription's workflow on the test's worker; returns its handle and id. */
  async function start(taskQueue: string, input: SubscriptionWorkflowInput) {
    const workflowId = subscriptionWorkflowId(garden.gardenId, input.subscriptionId);
    const handle = await garden.env.client.workflow.start(subscriptionWorkflowType, {
      taskQueue,
      workflowId,
      args: [input],
    });
    return { handle, workflowId };
  }

  it('tells staff when the store stays down past the retries, then records once it is back', async () => {
    const input = await application(`m-${randomUUID().slice(0, 6)}`);
    const real = testActivities(garden.store);
    let storeDown = true;
    let tries = 0;
    await run(
      {
        recordSubscription: async (subscription) => {
          tries++;
          if (storeDown) throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
          return real.recordSubscription(subscription);
        },
      },
      async (taskQueue) => {
        const { handle, workflowId } = await start(taskQueue, input);
        // The retries take minutes: the test server lets them pass at once.
        await garden.env.sleep('20 minutes');
        const key = incidentKeys.stalled(workflowId, 'record');
        const incident = (await garden.store.incidents.list(garden.gardenId)).find(
          (candidate) => candidate.key === key,
        );
        expect(incident).toMatchObject({
          kind: 'process-stalled',
          workflowId,
          retriesByItself: true,
          subject: { subscriptionId: input.subscriptionId },
          cause: expect.stringContaining('ECONNREFUSED'),
        });
        expect(incident?.summary.fr).toContain(input.subscriptionId);
        // Bounded: ten tries in the first round, not one every second forever.
        expect(tries).toBe(10);
        // The workflow still answers, with nothing lost.
        expect(await handle.query(subscriptionQuery)).toMatchObject({ status: 'pending' });

        storeDown = false;
        await handle.signal(retryNowSignal);
        await expect
          .poll(() => garden.store.subscriptions.get(garden.gardenId, input.subscriptionId), {
            timeout: 10_000,
          })
          .toMatchObject({ status: 'pending', revision: 1 });
        await expect
          .poll(async () =>
            (await garden.store.incidents.list(garden.gardenId)).some((candidate) => candidate.key === key),
          )
          .toBe(false);
      },
    );
  });

  it('waits for staff, without retrying by itself, on data that retrying cannot cure', async () => {
    const input = await application(`m-${randomUUID().slice(0, 6)}`);
    const real = testActivities(garden.store);
    let tries = 0;
    let broken = true;
    await run(
      // Wrapped as the worker wraps every activity: a RangeError is bad data, not a passing fault.
      withTemporalFailures({
        recordSubscription: async (subscription: Subscription) => {
          tries++;
          if (broken) throw new RangeError('Invalid time value');
          return real.recordSubscription(subscription);
        },
      }),
      async (taskQueue) => {
        const { handle, workflowId } = await start(taskQueue, input);
        await garden.env.sleep('3 days');
        const key = incidentKeys.stalled(workflowId, 'record');
        const incident = (await garden.store.incidents.list(garden.gardenId)).find(
          (candidate) => candidate.key === key,
        );
        expect(incident).toMatchObject({ retriesByItself: false, occurrences: 1 });
        expect(tries).toBe(1);
        broken = false;
        await handle.signal(retryNowSignal);
        await expect
          .poll(() => garden.store.subscriptions.get(garden.gardenId, input.subscriptionId), {
            timeout: 10_000,
          })
          .toMatchObject({ revision: 1 });
      },
    );
  });

  it('sends the application to staff while the identity provider is down, and links the account later', async () => {
    const input = await application(`m-${randomUUID().slice(0, 6)}`);
    let providerDown = true;
    const linked: string[] = [];
    await run(
      {
        linkMemberAccount: async ({ userId }) => {
          if (providerDown) throw new Error('Keycloak admin GET /users answered 503');
          linked.push(userId);
        },
      },
      async (taskQueue) => {
        const { handle, workflowId } = await start(taskQueue, {
          ...input,
          linkAccount: { userId: 'kc-user-1' },
        });
        // In the inbox at once: recorded as pending, whatever the identity provider does.
        await expect
          .poll(() => garden.store.subscriptions.get(garden.gardenId, input.subscriptionId), {
            timeout: 10_000,
          })
          .toMatchObject({ status: 'pending' });
        expect(await handle.query(accountLinkQuery)).toBe('linking');
        await garden.env.sleep('20 minutes');
        const incident = (await garden.store.incidents.list(garden.gardenId)).find(
          (candidate) => candidate.key === incidentKeys.stalled(workflowId, 'link-account'),
        );
        expect(incident).toMatchObject({ kind: 'account-link-pending', retriesByItself: true });

        providerDown = false;
        // Tried again by itself after a quarter of an hour.
        await garden.env.sleep('16 minutes');
        await expect.poll(() => handle.query(accountLinkQuery), { timeout: 10_000 }).toBe('linked');
        expect(linked).toEqual(['kc-user-1']);
        await expect
          .poll(async () =>
            (await garden.store.incidents.list(garden.gardenId)).map((candidate) => candidate.kind),
          )
          .not.toContain('account-link-pending');
      },
    );
  });

  it('keeps trying a message the law requires past two days, tells staff, and sends it once mail is back', async () => {
    const input = await application(`m-${randomUUID().slice(0, 6)}`);
    const real = testActivities(garden.store);
    let mailDown = true;
    const sent: string[] = [];
    await run(
      {
        notifyMember: async (notice) => {
          if (mailDown) throw new Error('SES: Service Unavailable');
          sent.push(notice.notification.kind);
          return real.notifyMember(notice);
        },
      },
      async (taskQueue) => {
        const { handle, workflowId } = await start(taskQueue, input);
        await handle.executeUpdate(decideUpdate, {
          args: [{ input: { decision: 'approve' }, actor: staff }],
        });
        // The subscription's life goes on: approved, recorded.
        expect(await garden.store.subscriptions.get(garden.gardenId, input.subscriptionId)).toMatchObject({
          status: 'active',
        });
        await garden.env.sleep('3 days');
        const incident = (await garden.store.incidents.list(garden.gardenId)).find(
          (candidate) => candidate.key === incidentKeys.stalled(workflowId, 'notice/approved'),
        );
        expect(incident).toMatchObject({ kind: 'message-undelivered', retriesByItself: true });
        expect(incident?.occurrences).toBeGreaterThan(1);
        expect(sent).toEqual([]);

        mailDown = false;
        await handle.signal(retryNowSignal);
        await expect.poll(() => sent, { timeout: 10_000 }).toContain('subscription-approved');
        await expect
          .poll(async () =>
            (await garden.store.incidents.list(garden.gardenId)).some(
              (candidate) => candidate.key === incident?.key,
            ),
          )
          .toBe(false);
        const log = await garden.store.notifications.get(garden.gardenId, `${workflowId}/approved`);
        expect(log).toMatchObject({ status: 'sent', kind: 'subscription-approved' });
      },
    );
  });

  it('tells staff when a message the law requires cannot reach the member', async () => {
    const memberId = `m-${randomUUID().slice(0, 6)}`;
    // No email, no phone: nothing can reach this member.
    await garden.store.members.create(
      garden.gardenId,
      memberId,
      { firstName: 'Test', lastName: memberId },
      new Date().toISOString(),
    );
    const input: SubscriptionWorkflowInput = {
      gardenId: garden.gardenId,
      subscriptionId: `${memberId}.2026-12-01`,
      request: {
        memberId,
        basketSize: 'medium',
        frequency: 'weekly',
        depotId: garden.depotId,
        startDate: '2026-12-01',
      },
      requested: { by: staff, at: '2026-11-24T10:00:00.000Z' },
    };
    await run({}, async (taskQueue) => {
      const { handle, workflowId } = await start(taskQueue, input);
      await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
      await expect
        .poll(
          async () => (await garden.store.incidents.list(garden.gardenId)).map((candidate) => candidate.key),
          {
            timeout: 10_000,
          },
        )
        .toContain(incidentKeys.undelivered(`${workflowId}/approved`));
      const incident = (await garden.store.incidents.list(garden.gardenId)).find(
        (candidate) => candidate.key === incidentKeys.undelivered(`${workflowId}/approved`),
      );
      expect(incident).toMatchObject({ kind: 'message-undelivered', cause: 'no-contact-details' });
      expect(incident?.summary.fr).toContain('ni adresse email ni téléphone');
    });
  });

  it('gives up a message that is not required after two days, and tells staff', async () => {
    const rejected = await application(`m-${randomUUID().slice(0, 6)}`);
    let tries = 0;
    await run(
      {
        notifyMember: async () => {
          tries++;
          throw new Error('SES: Service Unavailable');
        },
      },
      async (taskQueue) => {
        const { handle, workflowId } = await start(taskQueue, rejected);
        await handle.executeUpdate(decideUpdate, {
          args: [{ input: { decision: 'reject', reason: 'Dépôt complet' }, actor: staff }],
        });
        // The workflow ends once the message is given up: two days of tries, then staff told.
        await handle.result();
        const incident = (await garden.store.incidents.list(garden.gardenId)).find(
          (candidate) => candidate.key === incidentKeys.undelivered(`${workflowId}/rejected`),
        );
        expect(incident).toMatchObject({
          kind: 'message-undelivered',
          cause: expect.stringContaining('SES'),
        });
        expect(incident?.summary.fr).toContain("n'a pas pu être envoyé");
        expect(tries).toBeGreaterThan(5);
      },
    );
  });

  it('withdraws the application and forgets the member record when the account was deleted', async () => {
    const input = await application(`m-${randomUUID().slice(0, 6)}`);
    const userId = `kc-${randomUUID()}`;
    await garden.store.members.bindAccount(
      garden.gardenId,
      userId,
      input.request.memberId,
      new Date().toISOString(),
    );
    await run(
      {
        linkMemberAccount: async () => {
          throw ApplicationFailure.create({
            type: failureTypes.accountNotFound,
            message: 'No account',
            nonRetryable: true,
          });
        },
      },
      async (taskQueue) => {
        const { handle } = await start(taskQueue, { ...input, linkAccount: { userId } });
        const ended = await handle.result();
        expect(ended).toMatchObject({ status: 'cancelled', cancellation: { origin: 'member' } });
        expect(await handle.query(accountLinkQuery)).toBe('account-gone');
        expect(await garden.store.members.get(garden.gardenId, input.request.memberId)).toBeUndefined();
        expect(await garden.store.members.memberOfAccount(garden.gardenId, userId)).toBeUndefined();
        expect(await garden.store.subscriptions.get(garden.gardenId, input.subscriptionId)).toMatchObject({
          status: 'cancelled',
        });
      },
    );
  });
});

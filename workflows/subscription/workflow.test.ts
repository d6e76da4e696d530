import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { testActivities } from '../../tests/support/environment.ts';
import { memberApplication } from '../../tests/support/applications.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import {
  decideUpdate,
  refusedFailureType,
  subscriptionQuery,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from './contract.ts';

const staff = { userId: 'u-staff', name: 'Camille Martin' };

describe('subscription workflow', () => {
  const garden = workflowTestGarden('wf');

  /** Runs the test body with a worker on a task queue of its own. */
  const withWorker = <T>(body: (taskQueue: string) => Promise<T>) =>
    withTestWorker(garden.env, testActivities(garden.store), body);

  const application = (memberId: string) =>
    memberApplication(garden.store, garden.gardenId, garden.depotId, memberId);

  async function start(taskQueue: string, input: SubscriptionWorkflowInput) {
    return garden.env.client.workflow.start(subscriptionWorkflowType, {
      taskQueue,
      workflowId: subscriptionWorkflowId(garden.gardenId, input.subscriptionId),
      args: [input],
    });
  }

  it('records the application, then the approval with who and when', async () => {
    const input = await application('m-approve');
    await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue, input);
      await expect
        .poll(() => garden.store.subscriptions.get(garden.gardenId, input.subscriptionId))
        .toMatchObject({
          status: 'pending',
          revision: 1,
        });

      const approved = await handle.executeUpdate(decideUpdate, {
        args: [{ input: { decision: 'approve' }, actor: staff }],
      });
      expect(approved.status).toBe('active');
      expect(approved.decision).toMatchObject({ outcome: 'approved', by: staff });
      expect(Date.parse(approved.decision?.at ?? '')).not.toBeNaN();

      // The update answers once the store has the new state.
      expect(await garden.store.subscriptions.get(garden.gardenId, input.subscriptionId)).toMatchObject({
        status: 'active',
        revision: 2,
        decision: { outcome: 'approved', by: staff },
      });
      expect(await handle.query(subscriptionQuery)).toMatchObject({ status: 'active' });
    });
  });

  it('refuses a decision that cannot be taken, and changes nothing', async () => {
    const input = await application('m-refuse');
    await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue, input);
      const noReason = handle.executeUpdate(decideUpdate, {
        args: [{ input: { decision: 'reject' }, actor: staff }],
      });
      await expect(noReason).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await noReason.catch((error: WorkflowUpdateFailedError) => {
        expect(error.cause).toMatchObject({ type: refusedFailureType });
        expect((error.cause as { details?: unknown[] }).details?.[0]).toMatchObject({
          fr: expect.stringMatching(/motif/),
        });
      });
      expect(await handle.query(subscriptionQuery)).toMatchObject({ status: 'pending', revision: 1 });

      // A refused update leaves no trace in the history: validators run before it is accepted.
      const history = await handle.fetchHistory();
      const accepted =
        history.events?.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
      expect(accepted).toHaveLength(0);

      await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
      await expect(
        handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect(await handle.query(subscriptionQuery)).toMatchObject({ status: 'active', revision: 2 });
    });
  });

  it('ends with the reason when staff rejects the application', async () => {
    const input = await application('m-reject');
    await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue, input);
      const rejected = await handle.executeUpdate(decideUpdate, {
        args: [{ input: { decision: 'reject', reason: '  Dépôt complet  ' }, actor: staff }],
      });
      expect(rejected).toMatchObject({
        status: 'rejected',
        decision: { outcome: 'rejected', reason: 'Dépôt complet' },
      });
      expect(await handle.result()).toMatchObject({ status: 'rejected' });
      expect(await garden.store.subscriptions.get(garden.gardenId, input.subscriptionId)).toMatchObject({
        status: 'rejected',
      });
    });
  });

  it('never lets an older state overwrite a newer one in the store', async () => {
    const input = await application('m-order');
    await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue, input);
      const approved = await handle.executeUpdate(decideUpdate, {
        args: [{ input: { decision: 'approve' }, actor: staff }],
      });
      // A retried first write arriving late is ignored.
      const stale = { ...approved, status: 'pending' as const, revision: 1 };
      expect(await garden.store.subscriptions.record(stale)).toBe(false);
      expect(await garden.store.subscriptions.get(garden.gardenId, input.subscriptionId)).toMatchObject({
        status: 'active',
      });
    });
  });
});

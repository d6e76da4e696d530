import { describe, expect, it } from 'vitest';
import { withTemporalFailures } from '../../activities/failures.ts';
import { incidentKeys } from '../../domain/incidents.ts';
import { testActivities } from '../../tests/support/environment.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import { billingRunId, billingRunType } from './contract.ts';
import type { billingRun } from './workflow.ts';

/**
 * A household whose data cannot be billed must not stop the garden's monthly run: the others
 * are billed, that one goes to the staff inbox.
 */
describe('a billing run meeting a household it cannot bill', () => {
  const garden = workflowTestGarden('billing-isolation');

  it('bills the others and reports that one', async () => {
    const billed: string[] = [];
    const activities = {
      ...testActivities(garden.store),
      // Wrapped as the worker wraps every activity.
      ...withTemporalFailures({
        billingTargets: async () => ({
          billing: 'monthly' as const,
          targets: ['m-a', 'm-b', 'm-c'],
          delivered: {},
          membershipYear: '2026',
        }),
        issueMembershipInvoice: async () => undefined,
        issueMonthlyInvoice: async (input: { memberId: string }) => {
          // Stored data with a day that does not exist.
          if (input.memberId === 'm-b') new Date('2026-00-01T00:00:00Z').toISOString();
          billed.push(input.memberId);
          return undefined;
        },
      }),
    };
    const progress = await withTestWorker(garden.env, activities, (taskQueue) =>
      garden.env.client.workflow.execute<typeof billingRun>(billingRunType, {
        taskQueue,
        workflowId: billingRunId(garden.gardenId, '2026-11'),
        args: [{ gardenId: garden.gardenId, month: '2026-11', issuedOn: '2026-12-01' }],
      }),
    );
    expect(progress).toMatchObject({ phase: 'done', total: 3, done: 3 });
    expect(billed).toEqual(['m-a', 'm-c']);
    const incidents = await garden.store.incidents.list(garden.gardenId);
    expect(incidents).toEqual([
      expect.objectContaining({
        key: incidentKeys.notBilled('2026-11', 'm-b'),
        kind: 'household-not-billed',
        subject: { memberId: 'm-b' },
        retriesByItself: false,
        cause: expect.stringContaining('Invalid time value'),
      }),
    ]);
    expect(incidents[0]?.summary.fr).toContain("l'adhérent m-b");
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Email, Mailer } from '../../adapters/messaging/mailer.ts';
import { createTermsNoticeActivities } from '../../activities/terms-notices.ts';
import { testActivities } from '../../tests/support/environment.ts';
import { emailsTo, uniqueEmail } from '../../tests/support/moto.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import { termsNoticeType, termsNoticeWorkflowId } from './contract.ts';
import type { termsNotice } from './workflow.ts';

/**
 * A garden's members told by email of a substantial new version of its terms: once each, in
 * their language; an email the mailer refuses is tried again later, the others go meanwhile,
 * and what still cannot be sent is an incident for staff.
 */
describe('telling members of new terms', { timeout: 120_000 }, () => {
  const garden = workflowTestGarden('terms-notice');

  async function addMember(firstName: string, email?: string, language?: 'en') {
    const { store, gardenId } = garden;
    const id = `m-${randomUUID().slice(0, 8)}`;
    await store.members.create(
      gardenId,
      id,
      { firstName, lastName: 'Test', ...(email ? { email } : {}), ...(language ? { language } : {}) },
      new Date(await garden.env.currentTimeMs()).toISOString(),
    );
    return id;
  }

  it('writes once to every member with an email, through the mailer, whatever the runs', async () => {
    const { store, gardenId } = garden;
    const lea = uniqueEmail('terms-lea');
    const tom = uniqueEmail('terms-tom');
    await addMember('Léa', lea);
    await addMember('Tom', tom, 'en');
    await addMember('Sans');

    await withTestWorker(garden.env, testActivities(store), async (taskQueue) => {
      const run = (workflowId: string) =>
        garden.env.client.workflow.execute<typeof termsNotice>(termsNoticeType, {
          taskQueue,
          workflowId,
          args: [{ gardenId, slug: 'cgv', version: 1 }],
        });
      const first = await run(termsNoticeWorkflowId(gardenId, 'cgv', 1));
      expect(first).toMatchObject({ sent: 2, skipped: 1, undelivered: 0, stopped: false });
      // Run again (as after a reset): nobody is written to twice.
      const again = await run(`${termsNoticeWorkflowId(gardenId, 'cgv', 1)}-again`);
      expect(again).toMatchObject({ sent: 0, skipped: 3, undelivered: 0 });
    });

    const [toLea, toTom] = await Promise.all([emailsTo(lea), emailsTo(tom)]);
    expect(toLea).toHaveLength(1);
    expect(toLea[0]?.subject).toContain('conditions générales de vente');
    expect(toTom).toHaveLength(1);
    expect(toTom[0]?.subject).toContain('terms and conditions of sale');
    expect(await store.incidents.list(gardenId)).toEqual([]);
  });

  it('sends the others when emails are refused, tries those again later, and tells staff of what never went', async () => {
    const { store, gardenId } = garden;
    const bad = uniqueEmail('terms-bad');
    const flaky = uniqueEmail('terms-flaky');
    const badId = await addMember('Refusée', bad);
    await addMember('Hésitante', flaky);
    const delivered: string[] = [];
    const refusals = new Map<string, number>();
    const mailer = {
      async send(email: Email) {
        const refused = refusals.get(email.to) ?? 0;
        if (email.to === bad || (email.to === flaky && refused === 0)) {
          refusals.set(email.to, refused + 1);
          throw new Error(`MessageRejected: ${email.to === bad ? 'address rejected' : 'throttled'}`);
        }
        delivered.push(email.to);
        return { messageId: String(delivered.length) };
      },
      close() {},
    } as unknown as Mailer;
    const activities = {
      ...testActivities(store),
      ...createTermsNoticeActivities({
        members: store.members,
        gardens: store.gardens,
        consents: store.consents,
        mailer,
        publicUrl: 'https://cocagne.example',
      }),
    };

    const workflowId = termsNoticeWorkflowId(gardenId, 'confidentialite', 2);
    const outcome = await withTestWorker(garden.env, activities, (taskQueue) =>
      garden.env.client.workflow.execute<typeof termsNotice>(termsNoticeType, {
        taskQueue,
        workflowId,
        args: [{ gardenId, slug: 'confidentialite', version: 2 }],
      }),
    );
    // The first test's two members and the flaky one (on the run again); never the refused one.
    expect(outcome).toMatchObject({ sent: 3, undelivered: 1, stopped: false });
    expect(delivered.filter((to) => to === flaky)).toHaveLength(1);
    expect(delivered).not.toContain(bad);
    // Tried at first and after each of the waits.
    expect(refusals.get(bad)).toBe(5);

    const incidents = await store.incidents.list(gardenId);
    expect(incidents).toEqual([
      expect.objectContaining({
        key: `terms-notice-undelivered/${workflowId}`,
        kind: 'message-undelivered',
        workflowId,
        cause: expect.stringMatching(new RegExp(`^not sent to ${badId}: .*address rejected`)),
      }),
    ]);
    expect(incidents[0]?.summary.fr).toContain('1 adhérent');
    expect(JSON.stringify(incidents[0])).not.toContain(bad);
  });

  it('stops when the store stays out of reach past the retries, and tells staff', async () => {
    const { store, gardenId } = garden;
    let calls = 0;
    const activities = {
      ...testActivities(store),
      async notifyMembersOfNewTerms(): Promise<never> {
        calls += 1;
        throw new Error('ResourceNotFoundException: members table unreachable');
      },
    };
    const workflowId = termsNoticeWorkflowId(gardenId, 'cgv', 3);
    const outcome = await withTestWorker(garden.env, activities, (taskQueue) =>
      garden.env.client.workflow.execute<typeof termsNotice>(termsNoticeType, {
        taskQueue,
        workflowId,
        args: [{ gardenId, slug: 'cgv', version: 3 }],
      }),
    );
    expect(outcome).toMatchObject({ sent: 0, stopped: true });
    expect(calls).toBe(10);
    expect(await store.incidents.list(gardenId)).toContainEqual(
      expect.objectContaining({
        key: `terms-notice/${workflowId}`,
        kind: 'process-stalled',
        retriesByItself: false,
        cause: expect.stringContaining('members table unreachable'),
      }),
    );
  });
});

import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGardenConfigurationActivities } from '../../activities/garden-configuration-activities.ts';
import { createGardenBlobs } from '../../activities/provisioning/garden-configuration.ts';
import { s3ClientFrom, DocumentSettings } from '../../adapters/aws.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { addDays, gardenDay, isoWeekday } from '../../domain/calendar.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import { invoicePaymentProcessId, subscriptionProcessId } from '../../domain/process-ids.ts';
import { createPaymentCommands } from '../../temporal/payment-client.ts';
import { createGardenSchedulesPort } from '../../temporal/provisioning-ports.ts';
import {
  approveAsStaff,
  approvedSubscription,
  startTestApi,
  takenApplication,
  type TestApi,
} from '../../tests/support/api.ts';
import { addTestDepot, testEnvironment } from '../../tests/support/environment.ts';
import { issueTestInvoice, printTestInvoice } from '../../tests/support/billing.ts';
import { clearOfMidnight } from '../../tests/support/garden-clock.ts';
import { emailsTo } from '../../tests/support/moto.ts';
import { copyGarden, loseGarden, type DrillStack } from './drill.ts';
import { isGardenControlItem, restoreGarden, workflowsNotRestarted } from './garden-restore.ts';
import { writeTableExport } from './table-export.ts';

// The answers compared are read on one garden day: start clear of its midnight.
await clearOfMidnight();

const today = gardenDay(new Date());
const tomorrowDepot = 'd-demain';

/**
 * Issue 18's restore drill, on the test stack: a garden with members, subscriptions (one still
 * an application, one with an absence), invoices (one being collected, one paid by cheque) and
 * its documents is copied as production keeps it (its objects as replicated, each table's
 * DynamoDB export), then lost (its items, objects, schedules and workflow histories deleted),
 * then restored from the copy. Staff and the member then read the same answers through the API.
 */
describe('a garden restored from its S3 copy', () => {
  let api: TestApi;
  let stack: DrillStack;

  beforeAll(async () => {
    api = await startTestApi('restore-drill');
    const env = testEnvironment();
    const documents = readConfiguration(DocumentSettings, env);
    stack = {
      db: new DynamoDBClient({
        region: env.AWS_REGION ?? 'eu-west-3',
        ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
      }),
      store: api.store,
      s3: s3ClientFrom(documents),
      bucket: documents.S3_BUCKET,
      client: api.client,
    };
    const calendar = await api.store.settings.calendar(api.gardenId);
    await api.store.settings.saveCalendar(
      api.gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(today, -60), end: addDays(today, 200) }],
        closedWeeks: [],
        cutoffHours: 1,
      },
      calendar.version,
      new Date().toISOString(),
    );
    // Reminders the day before each delivery, from midnight: a delivery tomorrow is reminded at once.
    const rules = await api.store.settings.rules(api.gardenId);
    await api.store.settings.saveRules(
      api.gardenId,
      { ...defaultGardenRules, dayBeforeReminderHour: 0 },
      rules.version,
    );
    await addTestDepot(api.store, api.gardenId, {
      id: tomorrowDepot,
      name: 'Dépôt de demain',
      address: { street: '1 place du Marché', postalCode: '25000', city: 'Besançon' },
      location: { lat: 47.24, lng: 6.02 },
      deliveryWeekday: isoWeekday(addDays(today, 1)),
    });
    // Its configuration JSON, as provisioning writes it and each change of settings refreshes it.
    const blobs = createGardenBlobs(stack.s3, stack.bucket);
    await createGardenConfigurationActivities(api.store, blobs, () => new Date()).copyGardenConfiguration({
      gardenId: api.gardenId,
    });
  });

  afterAll(async () => {
    if (!api) return;
    for await (const execution of api.client.workflow.list({
      query: `GardenId = '${api.gardenId}' AND ExecutionStatus = 'Running'`,
    })) {
      await api.client.workflow
        .getHandle(execution.workflowId)
        .terminate('test over')
        .catch(() => undefined);
    }
    // The schedules the restore made (the test garden had none before).
    await createGardenSchedulesPort(api.client, api.store).remove(api.gardenId);
    stack?.db.destroy();
    stack?.s3.destroy();
    await api.close();
  });

  /** What staff and the member read of the garden, through the API. */
  async function answers() {
    const garden = `/api/gardens/${api.gardenId}`;
    const read = async (url: string, account = api.accounts.staff) => {
      const answer = await api.call(account, 'GET', url);
      return {
        status: answer.statusCode,
        body: answer.statusCode === 200 ? answer.json<unknown>() : answer.body,
      };
    };
    const members = await read(`${garden}/members`);
    const subscriptions = await read(`${garden}/subscriptions`);
    const ids = ((subscriptions.body as { items?: Array<{ id: string }> }).items ??
      (subscriptions.body as Array<{ id: string }>)) as Array<{ id: string }>;
    const nextDeliveries: Record<string, unknown> = {};
    for (const { id } of Array.isArray(ids) ? ids : []) {
      nextDeliveries[id] = await read(
        `${garden}/subscriptions/${encodeURIComponent(id)}/next-deliveries?count=6`,
      );
    }
    const memberIds = [api.member.id, ...extraMembers];
    const billing: Record<string, unknown> = {};
    for (const id of memberIds) billing[id] = await read(`${garden}/members/${id}/billing`);
    const mine = await read(`${garden}/members/${api.member.id}/billing`, api.accounts.member);
    const invoices = await read(`${garden}/invoices`);
    return { members, subscriptions, nextDeliveries, billing, mine, invoices };
  }

  const extraMembers: string[] = [];

  it('answers the same after the garden is lost and restored, and sends nothing twice', async () => {
    // The garden's life so far.
    const secondEmail = `emile-${randomUUID().slice(0, 6)}@example.org`;
    const second = await api.createMember({
      firstName: '<b>Émile</b>',
      lastName: 'Zola & fils',
      email: secondEmail,
    });
    const third = await api.createMember({
      firstName: 'constructor',
      lastName: '__proto__',
      email: `c-${randomUUID().slice(0, 6)}@example.org`,
    });
    extraMembers.push(second.id, third.id);
    const active = await approvedSubscription(api, api.member.id, addDays(today, 1));
    const tomorrow = await takenApplication(api, {
      memberId: second.id,
      startDate: addDays(today, 1),
      depotId: tomorrowDepot,
    });
    const approved = await approveAsStaff(api, tomorrow);
    expect(approved.statusCode, approved.body).toBe(200);
    const pending = await takenApplication(api, { memberId: third.id, startDate: addDays(today, 3) });
    const coming = await api.call(
      api.accounts.member,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/${active}/next-deliveries?count=6`,
    );
    const open = coming
      .json<Array<{ date: string; changeableUntil: string }>>()
      .find((delivery) => Date.parse(delivery.changeableUntil) > Date.now() + 3_600_000);
    expect(open, 'a coming delivery still open').toBeTruthy();
    const absent = await api.call(
      api.accounts.member,
      'POST',
      `/api/gardens/${api.gardenId}/subscriptions/${active}/absences`,
      {
        dates: [open!.date],
      },
    );
    expect(absent.statusCode, absent.body).toBe(200);

    const collected = await issueTestInvoice(api, api.member.id, { total: 4_250, dueOn: addDays(today, 20) });
    await printTestInvoice(api, collected.number);
    await createPaymentCommands(api.client).collect({
      gardenId: api.gardenId,
      invoiceNumber: collected.number,
      memberId: api.member.id,
    });
    const paid = await issueTestInvoice(api, second.id, { total: 1_800, dueOn: addDays(today, 5) });
    const cheque = await api.call(
      api.accounts.staff,
      'POST',
      `/api/gardens/${api.gardenId}/invoices/${paid.number}/payments`,
      {
        method: 'cheque',
        amount: 1_800,
        receivedOn: today,
        reference: '0001234',
      },
    );
    expect(cheque.statusCode, cheque.body).toBe(201);

    // Settled: the collection is waiting for its due date, the messages of the applications sent.
    await expect
      .poll(
        async () =>
          (
            await api.client.workflow
              .getHandle(invoicePaymentProcessId(api.gardenId, collected.number))
              .describe()
          ).status.name,
      )
      .toBe('RUNNING');
    const before = await answers();
    expect(before.members.status).toBe(200);
    expect(Object.keys(before.nextDeliveries)).toHaveLength(3);
    // Émile's basket is tomorrow: the confirmation, then the reminder, are sent.
    const emileNext = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/${tomorrow}/next-deliveries?count=1`,
    );
    expect(emileNext.json<Array<{ date: string }>>()[0]?.date).toBe(addDays(today, 1));
    await expect.poll(async () => (await emailsTo(secondEmail)).length).toBeGreaterThanOrEqual(2);
    const sentBefore = (await emailsTo(secondEmail)).length;

    // The copy production keeps, then the disaster.
    const copy = await copyGarden(stack, api.gardenId, `drill-${randomUUID().slice(0, 8)}/`);
    const lost = await loseGarden(stack, api.gardenId);
    expect(lost.workflows).toBeGreaterThanOrEqual(4);
    expect(lost.items).toBeGreaterThan(10);
    expect(await api.store.gardens.get(api.gardenId)).toBeUndefined();
    expect(await api.store.subscriptions.list(api.gardenId)).toEqual([]);
    expect(await api.store.invoices.list(api.gardenId)).toEqual([]);

    // The restore: refused while the garden is there, then done, then done again harmlessly.
    const report = await restoreGarden(api.gardenId, copy, stack);
    expect(report.items.gardens).toBeGreaterThan(10);
    expect(report.objects).toBeGreaterThanOrEqual(1);
    expect(report.workflows).toMatchObject({ subscriptions: 3, payments: 1, alreadyRunning: 0 });
    expect(report.schedules).toHaveLength(3);
    expect(report.notRestored).toEqual(workflowsNotRestarted);
    const again = await restoreGarden(api.gardenId, copy, stack);
    expect(again.items).toEqual({ gardens: 0, control: 0 });
    expect(again.workflows).toMatchObject({ subscriptions: 0, payments: 0, alreadyRunning: 4 });
    // Another copy of the same garden, taken since: refused while the garden is back.
    const elsewhere = await copyGarden(stack, api.gardenId, `drill-${randomUUID().slice(0, 8)}/`);
    await expect(restoreGarden(api.gardenId, elsewhere, stack)).rejects.toThrow(
      /already exists in the target stack/,
    );

    await expect.poll(answers, { timeout: 60_000, interval: 500 }).toEqual(before);

    // The pending application still waits for staff, in the workflow started again.
    const decided = await api.call(
      api.accounts.staff,
      'POST',
      `/api/gardens/${api.gardenId}/subscriptions/${encodeURIComponent(pending)}/decision`,
      { decision: 'approve' },
    );
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json<{ status: string }>().status).toBe('active');
    // Invoice numbers go on from the last one, without a gap or a second use.
    const next = await issueTestInvoice(api, second.id, { total: 100, dueOn: addDays(today, 9) });
    expect(next.number).toBe(paid.number + 1);
    // Nothing was sent twice: the notices of the restarted workflows were found already sent.
    const running = await api.client.workflow
      .getHandle(subscriptionProcessId(api.gardenId, active))
      .describe();
    expect(running.status.name).toBe('RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await emailsTo(secondEmail)).length).toBe(sentBefore);
  });
  // On the garden the test above made and restored (tests of a file run in order).
  it('registers a garden whose copy lacks its registry record from its configuration JSON, keeping its settings', async () => {
    const calendarBefore = await api.store.settings.calendar(api.gardenId);
    const copy = await copyGarden(stack, api.gardenId, `drill-${randomUUID().slice(0, 8)}/`);
    // The control table's export as if taken while the garden was being created: no registry record.
    const control = await writeTableExport({
      db: stack.db,
      tableName: api.store.tables.control,
      s3: stack.s3,
      bucket: stack.bucket,
      prefix: `${copy.objectsPrefix}exports/control-without-registry`,
      keep: (item) => isGardenControlItem(api.gardenId)(item) && item.pk?.S !== 'GARDEN',
    });
    await loseGarden(stack, api.gardenId);
    const report = await restoreGarden(
      api.gardenId,
      { ...copy, exports: { ...copy.exports, control: control.summaryKey } },
      stack,
    );
    expect(report.workflows.subscriptions).toBe(3);
    expect(await api.store.gardens.get(api.gardenId)).toMatchObject({ id: api.gardenId, state: 'active' });
    // Its settings are the export's (same version), not the configuration's written anew.
    expect(await api.store.settings.calendar(api.gardenId)).toEqual(calendarBefore);
    // And a second run goes on from there instead of refusing.
    expect(
      (
        await restoreGarden(
          api.gardenId,
          { ...copy, exports: { ...copy.exports, control: control.summaryKey } },
          stack,
        )
      ).workflows.alreadyRunning,
    ).toBeGreaterThanOrEqual(3);
  });
  it('starts no process again for a garden retired when its copy was taken', async () => {
    expect(await api.store.gardens.setState(api.gardenId, ['active'], 'retired')).toBe(true);
    const copy = await copyGarden(stack, api.gardenId, `drill-${randomUUID().slice(0, 8)}/`);
    await loseGarden(stack, api.gardenId);
    const report = await restoreGarden(api.gardenId, copy, stack);
    expect(report.workflows).toEqual({ subscriptions: 0, payments: 0, weeks: 0, alreadyRunning: 0 });
    expect(report.schedules).toEqual([]);
    expect(report.items.gardens).toBeGreaterThan(10);
    expect(await api.store.gardens.get(api.gardenId)).toMatchObject({ state: 'retired' });
  });
});

import { randomUUID } from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberInput } from '../domain/member.ts';
import {
  completeNotification,
  renderNotification,
  type NotificationRequest,
} from '../domain/notifications.ts';
import { createTestGarden, testEnvironment, testStore } from '../tests/support/environment.ts';
import {
  emailsTo,
  ensureSenderIdentity,
  sesClient,
  smsTo,
  snsClient,
  uniqueEmail,
  uniquePhone,
} from '../tests/support/moto.ts';
import { createNotificationActivities, type NotificationActivityDeps } from './notifications.ts';
import { createMailer } from '../adapters/messaging/mailer.ts';
import { createTexter } from '../adapters/messaging/texter.ts';
import { createNotificationLog, type NotificationLog } from '../adapters/store/notification-log.ts';
import type { Store } from '../adapters/store/index.ts';

const publicUrl = 'http://localhost:8080';
const reminder: NotificationRequest = {
  kind: 'delivery-reminder',
  data: {
    date: '2026-12-16',
    depotName: 'Dépôt du centre',
    depotAddress: '1 place Pasteur, 25000 Besançon',
    openingHours: '17 h – 19 h',
    basketSize: 'medium',
    baskets: 1,
  },
};

describe('member notifications', () => {
  let store: Store;
  let log: NotificationLog;
  let gardenId: string;
  let gardenName: string;
  let deps: NotificationActivityDeps;
  let ses: SESv2Client;
  let clock = Date.parse('2026-12-14T08:00:00.000Z');
  const mailFrom = testEnvironment().MAIL_FROM ?? 'Jardin de Cocagne <ne-pas-repondre@cocagne.local>';

  beforeAll(async () => {
    store = await testStore();
    log = createNotificationLog(store.db, store.tables);
    ({ gardenId } = await createTestGarden(store, 'notify'));
    gardenName = (await store.gardens.get(gardenId))?.name ?? '';
    ses = sesClient();
    await ensureSenderIdentity(ses, mailFrom);
    deps = {
      members: store.members,
      gardens: store.gardens,
      log,
      mailer: createMailer(ses, mailFrom),
      texter: createTexter(snsClient()),
      publicUrl,
      // Each call a minute later, so "newest first" has something to order.
      now: () => new Date((clock += 60_000)),
    };
  });
  afterAll(() => {
    deps?.mailer.close();
    deps?.texter.close();
    store?.close();
  });

  async function newMember(input: Partial<MemberInput>) {
    const id = `m-${randomUUID().slice(0, 12)}`;
    return store.members.create(
      gardenId,
      id,
      { firstName: 'Élise', lastName: 'Reclus', ...input },
      new Date().toISOString(),
    );
  }

  const key = () => `test/${randomUUID()}`;

  /** Sends `notification` to the member through the activity, under a fresh key unless given. */
  const notify = (memberId: string, notification: NotificationRequest = reminder, idempotencyKey = key()) =>
    createNotificationActivities(deps).notifyMember({ gardenId, memberId, notification, idempotencyKey });

  it('emails a member by default, with the rendered subject, from the garden sender', async () => {
    const email = uniqueEmail('notify');
    const member = await newMember({ email, phone: uniquePhone(), firstName: 'Léa <Lou>' });
    const idempotencyKey = key();

    const result = await notify(member.id, reminder, idempotencyKey);
    expect(result).toEqual({ status: 'sent', channels: ['email'] });

    const expected = renderNotification(
      completeNotification(reminder, {
        memberFirstName: 'Léa <Lou>',
        gardenName,
        portalUrl: `${publicUrl}/adherent`,
      }),
    );
    const received = await emailsTo(email);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      source: mailFrom,
      subject: 'Votre panier du mercredi 16 décembre 2026',
      destinations: { ToAddresses: [email] },
    });
    expect(received[0]?.body).toBe(expected.html);
    expect(received[0]?.body).toContain('Bonjour Léa &lt;Lou&gt;,');
    expect(await smsTo(member.phone ?? '')).toHaveLength(0);

    const entry = await log.get(gardenId, idempotencyKey);
    expect(entry).toMatchObject({
      memberId: member.id,
      kind: 'delivery-reminder',
      subject: expected.subject,
      status: 'sent',
      channels: [{ channel: 'email', to: email, status: 'sent', providerMessageId: received[0]?.id }],
    });
    expect(entry?.sentAt).toBeDefined();
  });

  it("writes in the member's language: English subject, email and SMS for a member who reads English", async () => {
    const email = uniqueEmail('notify-english');
    const phone = uniquePhone();
    const member = await newMember({
      email,
      phone,
      firstName: 'Ann',
      language: 'en',
      contactPreferences: { email: true, sms: true },
    });
    const idempotencyKey = key();

    const result = await notify(member.id, reminder, idempotencyKey);
    expect(result).toEqual({ status: 'sent', channels: ['email', 'sms'] });

    const expected = renderNotification(
      completeNotification(reminder, {
        memberFirstName: 'Ann',
        gardenName,
        portalUrl: `${publicUrl}/adherent`,
      }),
      'en',
    );
    const received = await emailsTo(email);
    expect(received).toHaveLength(1);
    expect(received[0]?.subject).toBe('Your basket on Wednesday, 16 December 2026');
    expect(received[0]?.body).toBe(expected.html);
    expect(received[0]?.body).toContain('Hello Ann,');
    expect(received[0]?.body).toContain('<html lang="en">');
    const texts = await smsTo(phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.message).toContain('Ann, your basket is waiting on Wednesday, 16 December');
    expect((await log.get(gardenId, idempotencyKey))?.subject).toBe(
      'Your basket on Wednesday, 16 December 2026',
    );

    // A member recorded before the choice existed, or who chose French, reads French.
    const frenchEmail = uniqueEmail('notify-french');
    const french = await newMember({ email: frenchEmail, language: 'fr' });
    await notify(french.id);
    expect((await emailsTo(frenchEmail))[0]?.subject).toBe('Votre panier du mercredi 16 décembre 2026');
  });

  it('sends an SMS only to a member who opted in and has a mobile number', async () => {
    const email = uniqueEmail('notify-sms');
    const phone = uniquePhone();
    const member = await newMember({ email, phone, contactPreferences: { email: true, sms: true } });
    const idempotencyKey = key();

    const result = await notify(member.id, reminder, idempotencyKey);
    expect(result).toEqual({ status: 'sent', channels: ['email', 'sms'] });
    expect(await emailsTo(email)).toHaveLength(1);
    const texts = await smsTo(phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.message).toMatch(
      /^Jardin de test .* : Élise, votre panier vous attend le mercredi 16 décembre/,
    );
    expect(texts[0]?.message.endsWith(`${publicUrl}/adherent`)).toBe(true);
    expect((await log.get(gardenId, idempotencyKey))?.channels).toEqual([
      expect.objectContaining({ channel: 'email', to: email, status: 'sent' }),
      expect.objectContaining({
        channel: 'sms',
        to: phone,
        status: 'sent',
        providerMessageId: texts[0]?.message_id,
      }),
    ]);

    // SMS only: no email even though the address is known.
    const smsOnlyPhone = uniquePhone();
    const smsOnlyEmail = uniqueEmail('notify-sms-only');
    const smsOnly = await newMember({
      email: smsOnlyEmail,
      phone: smsOnlyPhone,
      contactPreferences: { email: false, sms: true },
    });
    expect(await notify(smsOnly.id)).toEqual({ status: 'sent', channels: ['sms'] });
    expect(await smsTo(smsOnlyPhone)).toHaveLength(1);
    expect(await emailsTo(smsOnlyEmail)).toHaveLength(0);
  });

  it('sends nothing, and logs why, when the member accepts no channel or has no usable details', async () => {
    const email = uniqueEmail('notify-none');
    const silent = await newMember({ email, contactPreferences: { email: false, sms: false } });
    const silentKey = key();
    expect(await notify(silent.id, reminder, silentKey)).toEqual({ status: 'skipped', channels: [] });
    expect(await emailsTo(email)).toHaveLength(0);
    expect(await log.get(gardenId, silentKey)).toMatchObject({
      status: 'skipped',
      skippedReason: 'contact-preferences-off',
      channels: [],
    });

    const unreachable = await newMember({});
    const unreachableKey = key();
    expect(await notify(unreachable.id, reminder, unreachableKey)).toEqual({
      status: 'skipped',
      channels: [],
    });
    expect(await log.get(gardenId, unreachableKey)).toMatchObject({
      status: 'skipped',
      skippedReason: 'no-contact-details',
    });
  });

  it('sends a message the law requires whatever the preferences: by email, else by SMS', async () => {
    const acknowledgement: NotificationRequest = {
      kind: 'cancellation-acknowledged',
      data: {
        requestedAt: '2026-12-14T09:00:00.000Z',
        effectiveDate: '2026-12-28',
        origin: 'member',
      },
    };
    const email = uniqueEmail('notify-legal');
    const silent = await newMember({ email, contactPreferences: { email: false, sms: false } });
    const sent = await notify(silent.id, acknowledgement);
    expect(sent).toEqual({ status: 'sent', channels: ['email'] });
    expect(await emailsTo(email)).toHaveLength(1);

    const phone = uniquePhone();
    const smsOnly = await newMember({ phone, contactPreferences: { email: false, sms: false } });
    expect(await notify(smsOnly.id, acknowledgement)).toEqual({ status: 'sent', channels: ['sms'] });
    expect(await smsTo(phone)).toHaveLength(1);
  });

  it('sends once per idempotency key, however often it is called', async () => {
    const email = uniqueEmail('notify-twice');
    const phone = uniquePhone();
    const member = await newMember({ email, phone, contactPreferences: { email: true, sms: true } });
    const activities = createNotificationActivities(deps);
    const input = { gardenId, memberId: member.id, notification: reminder, idempotencyKey: key() };

    expect(await activities.notifyMember(input)).toEqual({ status: 'sent', channels: ['email', 'sms'] });
    expect(await activities.notifyMember(input)).toEqual({ status: 'duplicate', channels: ['email', 'sms'] });
    // A fresh activity instance (another worker, after a restart) knows it too.
    expect(await createNotificationActivities(deps).notifyMember(input)).toMatchObject({
      status: 'duplicate',
    });

    expect(await emailsTo(email)).toHaveLength(1);
    expect(await smsTo(phone)).toHaveLength(1);
    const { entries } = await log.listForMember(gardenId, member.id, { limit: 10 });
    expect(entries.map((entry) => entry.idempotencyKey)).toEqual([input.idempotencyKey]);

    // A skipped message stays skipped, even after the member turns email back on.
    const skippedKey = key();
    const quiet = await newMember({
      email: uniqueEmail('notify-quiet'),
      contactPreferences: { email: false, sms: false },
    });
    const skippedInput = { gardenId, memberId: quiet.id, notification: reminder, idempotencyKey: skippedKey };
    expect(await activities.notifyMember(skippedInput)).toMatchObject({ status: 'skipped' });
    await store.members.update(
      gardenId,
      quiet.id,
      1,
      {
        firstName: quiet.firstName,
        lastName: quiet.lastName,
        email: quiet.email,
        contactPreferences: { email: true, sms: false },
      },
      new Date().toISOString(),
    );
    expect(await activities.notifyMember(skippedInput)).toEqual({ status: 'duplicate', channels: [] });
    expect(await emailsTo(quiet.email ?? '')).toHaveLength(0);
  });

  it('sends again a message claimed but never marked sent (a crash in between)', async () => {
    const email = uniqueEmail('notify-crash');
    const member = await newMember({ email });
    const idempotencyKey = key();
    // What a worker that died right after claiming leaves behind.
    await log.claim({
      idempotencyKey,
      gardenId,
      memberId: member.id,
      kind: 'delivery-reminder',
      subject: 'Votre panier',
      now: new Date().toISOString(),
    });
    const result = await notify(member.id, reminder, idempotencyKey);
    expect(result).toEqual({ status: 'sent', channels: ['email'] });
    expect(await emailsTo(email)).toHaveLength(1);
    expect(await log.get(gardenId, idempotencyKey)).toMatchObject({ status: 'sent' });
  });

  it('throws a provider error as it is, and on retry sends only the channels that failed', async () => {
    const email = uniqueEmail('notify-retry');
    const phone = uniquePhone();
    const member = await newMember({ email, phone, contactPreferences: { email: true, sms: true } });
    const input = { gardenId, memberId: member.id, notification: reminder, idempotencyKey: key() };

    // SES refuses a sender that is not a verified identity.
    const unverified = createNotificationActivities({
      ...deps,
      mailer: createMailer(ses, `Pas vérifié <${uniqueEmail('unverified-sender')}>`),
    });
    const failure = await unverified.notifyMember(input).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ApplicationFailure);
    expect(await smsTo(phone)).toHaveLength(1);
    expect(await emailsTo(email)).toHaveLength(0);
    const failed = await log.get(gardenId, input.idempotencyKey);
    expect(failed).toMatchObject({
      status: 'failed',
      channels: [
        expect.objectContaining({ channel: 'email', status: 'failed' }),
        expect.objectContaining({ channel: 'sms', status: 'sent' }),
      ],
    });
    expect(failed?.error).toMatch(/\w+: /);

    // The retry (Temporal's) sends the email; the SMS is not sent twice.
    expect(await createNotificationActivities(deps).notifyMember(input)).toEqual({
      status: 'sent',
      channels: ['sms', 'email'],
    });
    expect(await emailsTo(email)).toHaveLength(1);
    expect(await smsTo(phone)).toHaveLength(1);
    expect(await log.get(gardenId, input.idempotencyKey)).toMatchObject({
      status: 'sent',
      channels: [
        expect.objectContaining({ channel: 'sms', status: 'sent' }),
        expect.objectContaining({ channel: 'email', status: 'sent' }),
      ],
    });
  });

  it('fails without retry when the member no longer exists', async () => {
    const failure = await createNotificationActivities(deps)
      .notifyMember({ gardenId, memberId: 'm-gone', notification: reminder, idempotencyKey: key() })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'member_not_found', nonRetryable: true });
  });

  it("lists a member's messages newest first, a page at a time", async () => {
    const member = await newMember({ email: uniqueEmail('notify-list') });
    const activities = createNotificationActivities(deps);
    const keys: string[] = [];
    const notifications: NotificationRequest[] = [
      {
        kind: 'subscription-approved',
        data: {
          startDate: '2026-12-02',
          depotName: 'Dépôt du centre',
          depotAddress: '1 place Pasteur, 25000 Besançon',
          openingHours: '17 h – 19 h',
          basketSize: 'medium',
          frequency: 'weekly',
        },
      },
      reminder,
      { kind: 'absence-confirmed', data: { dates: ['2026-12-23'], absencePolicy: 'donated' } },
      { kind: 'renewal-reminder', data: { endDate: '2027-03-31' } },
      { kind: 'pause-confirmed', data: { from: '2027-01-06', until: '2027-01-20' } },
    ];
    for (const notification of notifications) {
      const idempotencyKey = key();
      keys.push(idempotencyKey);
      await activities.notifyMember({ gardenId, memberId: member.id, notification, idempotencyKey });
    }
    const newestFirst = [...keys].reverse();

    const first = await log.listForMember(gardenId, member.id, { limit: 2 });
    expect(first.entries.map((entry) => entry.idempotencyKey)).toEqual(newestFirst.slice(0, 2));
    expect(first.entries.map((entry) => entry.kind)).toEqual(['pause-confirmed', 'renewal-reminder']);
    expect(first.nextCursor).toBeDefined();
    const second = await log.listForMember(gardenId, member.id, { limit: 2, cursor: first.nextCursor });
    expect(second.entries.map((entry) => entry.idempotencyKey)).toEqual(newestFirst.slice(2, 4));
    const third = await log.listForMember(gardenId, member.id, { limit: 2, cursor: second.nextCursor });
    expect(third.entries.map((entry) => entry.idempotencyKey)).toEqual(newestFirst.slice(4));
    expect(third.nextCursor).toBeUndefined();

    // Another member's messages are not in the list.
    const other = await log.listForMember(gardenId, 'm-someone-else', { limit: 10 });
    expect(other.entries).toEqual([]);
  });
});

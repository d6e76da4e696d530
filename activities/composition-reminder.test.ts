import { SESv2Client } from '@aws-sdk/client-sesv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../adapters/messaging/mailer.ts';
import type { DocumentStore } from '../adapters/store/documents.ts';
import type { Store } from '../adapters/store/index.ts';
import { createTestGarden, testEnvironment, testStore } from '../tests/support/environment.ts';
import { emailsTo, ensureSenderIdentity, sesClient } from '../tests/support/moto.ts';
import { createWeekActivities } from './week-activities.ts';

const mailFrom = testEnvironment().MAIL_FROM ?? 'Jardin de Cocagne <ne-pas-repondre@cocagne.local>';
/** The reminder writes no document: a store that says so if it is ever asked. */
const noDocuments = new Proxy({} as DocumentStore, {
  get: () => () => Promise.reject(new Error('the reminder writes no document')),
});

describe("the reminder of the week's composition", () => {
  let store: Store;
  let gardenId: string;
  let contactEmail: string;

  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'remind'));
    contactEmail = (await store.gardens.get(gardenId))?.contactEmail ?? '';
    await ensureSenderIdentity(sesClient(), mailFrom);
  });

  function activities(ses: SESv2Client) {
    return createWeekActivities({
      store,
      documents: noDocuments,
      mailer: createMailer(ses, mailFrom),
      publicUrl: 'http://localhost:8080',
    });
  }

  it('is not lost when the mail server is down: the retry sends it, and only once', async () => {
    const input = { gardenId, week: '2027-W03', deadline: '2027-01-17T23:00:00.000Z' };
    // Nothing listens on port 9: the email cannot leave, the activity fails (and Temporal retries).
    const down = new SESv2Client({
      region: testEnvironment().AWS_REGION,
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    await expect(activities(down).remindStaffOfComposition(input)).rejects.toThrow();
    expect(await emailsTo(contactEmail)).toHaveLength(0);

    const up = activities(sesClient());
    expect(await up.remindStaffOfComposition(input)).toBe(true);
    expect(await up.remindStaffOfComposition(input)).toBe(false);
    const sent = await emailsTo(contactEmail);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe('Composition de la semaine 03 à valider');
  });
});

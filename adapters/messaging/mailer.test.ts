import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfiguration } from '../../domain/configuration.ts';
import { sesClientFrom } from '../aws.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { emailsTo, ensureSenderIdentity, uniqueEmail } from '../../tests/support/moto.ts';
import { createMailer, mailerFrom, MailerSettings, type Mailer } from './mailer.ts';
import { MessageRejectedError, SenderRejectedError } from './messaging-errors.ts';

/** A client whose every call fails as `error` does: SES's answers that moto does not give. */
function failingSes(error: Error): SESv2Client {
  return {
    send: () => Promise.reject(error),
    destroy: () => undefined,
  } as unknown as SESv2Client;
}

const sesError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('the mailer (SES)', () => {
  const settings = readConfiguration(MailerSettings, testEnvironment());
  let mailer: Mailer;

  beforeAll(async () => {
    mailer = mailerFrom(settings);
    const ses = sesClientFrom(settings);
    await ensureSenderIdentity(ses, mailer.from);
    ses.destroy();
  });
  afterAll(() => mailer?.close());

  it('sends from the configured sender, with answers going where asked', async () => {
    const to = uniqueEmail('mailer');
    const { messageId } = await mailer.send({
      to,
      subject: 'Votre panier',
      text: 'Bonjour',
      html: '<p>Bonjour</p>',
      replyTo: 'contact@example.org',
    });
    const received = await emailsTo(to);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: messageId, source: mailer.from, subject: 'Votre panier' });
    expect(received[0]?.body).toBe('<p>Bonjour</p>');
  });

  it('tells a sender SES has not verified from an address it will not take', async () => {
    const unverified = createMailer(
      sesClientFrom(settings),
      `Pas vérifié <${uniqueEmail('unverified-sender')}>`,
    );
    const sender = await unverified
      .send({ to: uniqueEmail('mailer'), subject: 's', text: 't' })
      .catch((error: unknown) => error);
    unverified.close();
    expect(sender).toBeInstanceOf(SenderRejectedError);
    expect(sender).toMatchObject({
      message: expect.stringMatching(/^SES refuses to send from .*: MessageRejected: /),
    });

    const address = await mailer
      .send({ to: 'pas-une-adresse', subject: 's', text: 't' })
      .catch((e: unknown) => e);
    expect(address).toBeInstanceOf(MessageRejectedError);
  });

  it("tells SES's refusals for good from what may pass, which it throws as they are", async () => {
    const from = 'Cocagne <ne-pas-repondre@example.org>';
    const send = (error: Error) =>
      createMailer(failingSes(error), from)
        .send({ to: 'adherent@example.org', subject: 's', text: 't' })
        .catch((thrown: unknown) => thrown);

    for (const name of [
      'SendingPausedException',
      'AccountSuspendedException',
      'MailFromDomainNotVerifiedException',
    ])
      expect(await send(sesError(name, 'no'))).toBeInstanceOf(SenderRejectedError);
    // In the SES sandbox, an unverified recipient is refused with the same code as a sender.
    expect(
      await send(sesError('MessageRejected', 'Email address is not verified: adherent@example.org')),
    ).toBeInstanceOf(MessageRejectedError);
    expect(
      await send(sesError('MessageRejected', 'Email address is not verified: NE-PAS-REPONDRE@example.org')),
    ).toBeInstanceOf(SenderRejectedError);
    expect(await send(sesError('BadRequestException', 'Missing final @domain'))).toBeInstanceOf(
      MessageRejectedError,
    );

    const throttled = sesError('TooManyRequestsException', 'Maximum sending rate exceeded.');
    expect(await send(throttled)).toBe(throttled);
    const network = sesError('TimeoutError', 'socket hang up');
    expect(await send(network)).toBe(network);
  });
});

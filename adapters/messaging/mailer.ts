import Type from 'typebox';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SesSettings, sesClientFrom } from '../aws.ts';
import { MessageRejectedError, providerErrorOf, SenderRejectedError } from './messaging-errors.ts';

/** Emails (SES): the service and the sender every message goes out from. */
export const MailerSettings = Type.Object({
  ...SesSettings.properties,
  /** The sender, e.g. "Jardin de Cocagne <ne-pas-repondre@example.org>": a verified SES identity. */
  MAIL_FROM: Type.String({ minLength: 3 }),
});
export type MailerSettings = Type.Static<typeof MailerSettings>;

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** The same words laid out, for mail apps that show HTML. */
  html?: string | undefined;
  /** Where answers go, when not to the no-reply sender (the garden's own address). */
  replyTo?: string | undefined;
}

/** SES error codes that every message from this sender would meet. */
const senderRefusals = new Set([
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
]);
/** SES error codes that this message would meet again (SES v1's name for a bad address too). */
const messageRefusals = new Set(['BadRequestException', 'InvalidParameterValue']);

/** The address inside "Name <address>", or the whole when there is no name. */
const addressOf = (mailbox: string) => (/<([^>]+)>/.exec(mailbox)?.[1] ?? mailbox).trim().toLowerCase();

/**
 * Sends emails through SES from one sender. What SES refuses for good comes out as
 * `SenderRejectedError` or `MessageRejectedError`; anything else is thrown as SES gave it.
 * `close()` releases the SES client.
 */
export function createMailer(ses: SESv2Client, from: string) {
  function refusal(error: unknown): unknown {
    const { code, text } = providerErrorOf(error);
    if (senderRefusals.has(code))
      return new SenderRejectedError(`SES refuses to send from ${from}: ${text}`, { cause: error });
    // "Email address is not verified" lists the identities that failed: ours, or (while the
    // account is in the SES sandbox) the recipient.
    if (code === 'MessageRejected') {
      const names = (error instanceof Error ? error.message : '').toLowerCase();
      if (names.includes(addressOf(from)))
        return new SenderRejectedError(`SES refuses to send from ${from}: ${text}`, { cause: error });
      return new MessageRejectedError(`SES refuses the email: ${text}`, { cause: error });
    }
    if (messageRefusals.has(code))
      return new MessageRejectedError(`SES refuses the email: ${text}`, { cause: error });
    return error;
  }

  return {
    from,

    /** Sends one email; returns SES's message id. */
    async send(email: Email): Promise<{ messageId: string | undefined }> {
      try {
        const { MessageId } = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: [email.to] },
            ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: 'UTF-8' },
                Body: {
                  Text: { Data: email.text, Charset: 'UTF-8' },
                  ...(email.html === undefined ? {} : { Html: { Data: email.html, Charset: 'UTF-8' } }),
                },
              },
            },
          }),
        );
        return { messageId: MessageId };
      } catch (error) {
        throw refusal(error);
      }
    },

    close(): void {
      ses.destroy();
    },
  };
}
export type Mailer = ReturnType<typeof createMailer>;

export function mailerFrom(settings: MailerSettings, ses: SESv2Client = sesClientFrom(settings)): Mailer {
  return createMailer(ses, settings.MAIL_FROM);
}

import Type from 'typebox';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SnsSettings, snsClientFrom } from '../aws.ts';
import { MessageRejectedError, providerErrorOf, SenderRejectedError } from './messaging-errors.ts';

/** Text messages (SNS). */
export const TexterSettings = Type.Object({ ...SnsSettings.properties });
export type TexterSettings = Type.Static<typeof TexterSettings>;

export interface TextMessage {
  /** A mobile number in E.164 form (+33612345678). */
  to: string;
  text: string;
}

/** What members see as the sender, where their operator shows one (11 characters at most). */
const senderId = 'COCAGNE';

/** SNS error codes that every message from this account would meet. */
const senderRefusals = new Set(['AuthorizationErrorException']);
/** SNS error codes that this message would meet again (a number SNS cannot text…). */
const messageRefusals = new Set(['InvalidParameterException', 'InvalidParameterValueException']);

/**
 * Sends text messages through SNS, as transactional messages (delivered first, even to numbers
 * that do not take marketing). What SNS refuses for good comes out as `SenderRejectedError` or
 * `MessageRejectedError`; anything else is thrown as SNS gave it. `close()` releases the client.
 */
export function createTexter(sns: SNSClient) {
  return {
    /** Sends one text message; returns SNS's message id. */
    async send(message: TextMessage): Promise<{ messageId: string | undefined }> {
      try {
        const { MessageId } = await sns.send(
          new PublishCommand({
            PhoneNumber: message.to,
            Message: message.text,
            MessageAttributes: {
              'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: senderId },
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            },
          }),
        );
        return { messageId: MessageId };
      } catch (error) {
        const { code, text } = providerErrorOf(error);
        if (senderRefusals.has(code))
          throw new SenderRejectedError(`SNS refuses to send text messages: ${text}`, { cause: error });
        if (messageRefusals.has(code))
          throw new MessageRejectedError(`SNS refuses the text message: ${text}`, { cause: error });
        throw error;
      }
    },

    close(): void {
      sns.destroy();
    },
  };
}
export type Texter = ReturnType<typeof createTexter>;

export function texterFrom(settings: TexterSettings, sns: SNSClient = snsClientFrom(settings)): Texter {
  return createTexter(sns);
}

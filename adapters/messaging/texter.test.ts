import type { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfiguration } from '../../domain/configuration.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { smsTo, uniquePhone } from '../../tests/support/moto.ts';
import { MessageRejectedError, SenderRejectedError } from './messaging-errors.ts';
import { createTexter, TexterSettings, texterFrom } from './texter.ts';

const snsError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('the texter (SNS)', () => {
  const texter = texterFrom(readConfiguration(TexterSettings, testEnvironment()));
  afterAll(() => texter.close());

  it('sends a text message to a mobile number', async () => {
    const phone = uniquePhone();
    const { messageId } = await texter.send({ to: phone, text: 'Votre panier vous attend mercredi.' });
    const received = await smsTo(phone);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      message_id: messageId,
      message: 'Votre panier vous attend mercredi.',
    });
  });

  it("tells SNS's refusals for good from what may pass, which it throws as they are", async () => {
    const send = (error: Error) =>
      createTexter({ send: () => Promise.reject(error), destroy: () => undefined } as unknown as SNSClient)
        .send({ to: '+33639900000', text: 't' })
        .catch((thrown: unknown) => thrown);

    expect(await send(snsError('AuthorizationErrorException', 'not authorized'))).toBeInstanceOf(
      SenderRejectedError,
    );
    expect(
      await send(snsError('InvalidParameterException', 'Invalid parameter: PhoneNumber')),
    ).toBeInstanceOf(MessageRejectedError);
    const throttled = snsError('ThrottledException', 'Rate exceeded');
    expect(await send(throttled)).toBe(throttled);
  });
});

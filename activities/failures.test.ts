import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AccountNotFoundError } from '../adapters/keycloak/keycloak-accounts.ts';
import { MessageRejectedError, SenderRejectedError } from '../adapters/messaging/messaging-errors.ts';
import { conflict, CocagneError, notFound } from '../domain/errors.ts';
import { failureTypes } from '../domain/failure-types.ts';
import { asTemporalFailure, redactContactDetails, withTemporalFailures } from './failures.ts';

describe('what activities throw, as Temporal sees it', () => {
  it('ends at once on a domain error that retrying cannot cure, with its words', () => {
    const failure = asTemporalFailure(notFound({ fr: 'Saison', en: 'Season' }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: failureTypes.notFound,
      nonRetryable: true,
      details: [{ fr: 'Saison introuvable.', en: 'Season not found.' }],
    });
    const refused = new CocagneError('refused', { fr: 'Non.', en: 'No.' });
    expect(asTemporalFailure(refused)).toMatchObject({ type: 'refused', nonRetryable: true });
  });

  it('leaves to the retry policy what may pass: a conflict, a service down, a network error', () => {
    expect(asTemporalFailure(conflict())).toMatchObject({ type: 'conflict', nonRetryable: false });
    const down = new CocagneError('unavailable', { fr: 'Indisponible.', en: 'Unavailable.' });
    expect(asTemporalFailure(down)).toMatchObject({ nonRetryable: false });
    const network = new TypeError('fetch failed');
    expect(asTemporalFailure(network)).toBe(network);
  });

  it('ends at once on an impossible value in stored data', () => {
    let thrown: unknown;
    try {
      new Date('2026-00-01T00:00:00Z').toISOString();
    } catch (error) {
      thrown = error;
    }
    expect(asTemporalFailure(thrown)).toMatchObject({ type: failureTypes.invalidData, nonRetryable: true });
  });

  it('ends at once when the identity provider has no such account', () => {
    const gone = asTemporalFailure(new AccountNotFoundError('No account /users/u-1 in realm cocagne'));
    expect(gone).toMatchObject({ type: failureTypes.accountNotFound, nonRetryable: true });
  });

  it('ends at once on what the mail and SMS providers refuse for good; a throttle is retried', () => {
    const sender = new SenderRejectedError('SES refuses to send from x: MessageRejected: not verified');
    expect(asTemporalFailure(sender)).toMatchObject({
      type: failureTypes.senderRejected,
      nonRetryable: true,
      message: sender.message,
    });
    const address = new MessageRejectedError('SNS refuses the text message: InvalidParameterException');
    expect(asTemporalFailure(address)).toMatchObject({
      type: failureTypes.messageRejected,
      nonRetryable: true,
    });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    expect(asTemporalFailure(throttled)).toBe(throttled);
  });

  it('wraps every activity of a factory, keeping their names and results', async () => {
    const activities = withTemporalFailures({
      findSeason: async (id: string) => {
        if (id === 'x') throw notFound({ fr: 'Saison', en: 'Season' });
        return id;
      },
    });
    expect(Object.keys(activities)).toEqual(['findSeason']);
    await expect(activities.findSeason('2026-2027')).resolves.toBe('2026-2027');
    await expect(activities.findSeason('x')).rejects.toMatchObject({ type: 'not_found', nonRetryable: true });
  });

  it('never hands Temporal an email address or a phone number in a failure, the message or its causes', async () => {
    const activities = withTemporalFailures({
      send: async () => {
        throw new MessageRejectedError(
          'SES refuses: MessageRejected: Email address is not verified: jean.dupont+cocagne@exemple.fr',
          { cause: new Error('SNS: Invalid parameter: PhoneNumber +33612345678 (06 12 34 56 78)') },
        );
      },
    });
    const thrown = await activities.send().catch((error: unknown) => error);
    const texts: string[] = [];
    for (let each: unknown = thrown; each instanceof Error; each = each.cause)
      texts.push(each.message, each.stack ?? '');
    const all = texts.join('\n');
    expect(all).toContain('<e-mail>');
    expect(all).toContain('<téléphone>');
    for (const secret of ['jean.dupont', 'exemple.fr', '612345678', '06 12 34 56 78'])
      expect(all).not.toContain(secret);
    // Dates, amounts and ids are no phone numbers.
    expect(redactContactDetails('week 2026-W50, invoice 20261206, 14,50 €, 2026-12-06')).toBe(
      'week 2026-W50, invoice 20261206, 14,50 €, 2026-12-06',
    );
  });
});

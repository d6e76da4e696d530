import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCircuitFake, type CircuitFake } from '../../tests/fakes/circuit-api.ts';
import { createCircuitClient } from './circuit-client.ts';
import { createCircuitOptimiser } from './circuit-optimiser.ts';
import { parseCircuitStopEvent, signCircuitWebhook, verifyCircuitWebhook } from './circuit-webhooks.ts';

describe("Circuit's stop webhooks (spoke-signature)", () => {
  let fake: CircuitFake;

  beforeEach(async () => {
    fake = await startCircuitFake();
    const optimiser = createCircuitOptimiser({
      client: createCircuitClient({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, sleep: async () => {} }),
      poll: { intervalMs: 1, maxIntervalMs: 1, timeoutMs: 1_000 },
      sleep: async () => {},
    });
    await optimiser.optimise({
      gardenId: 'hooks',
      date: '2030-06-12',
      vehicles: [
        {
          id: 'van',
          name: 'Van',
          driverName: 'Lucie',
          capacity: 50,
          start: { lat: 47.28, lng: 6.06 },
          workStart: '08:00',
          workEnd: '18:00',
        },
      ],
      stops: ['home.sub-1', 'home.sub-2'].map((id, index) => ({
        id,
        kind: 'home' as const,
        depotId: 'd',
        name: `Foyer ${index}`,
        location: { lat: 47.25 + index / 100, lng: 6.03 },
        baskets: { small: 1, medium: 0, large: 0 },
        serviceSeconds: 120,
      })),
      pins: [],
    });
  });
  afterEach(() => fake.close());

  it('accepts a delivery signed with the secret and reads our stop id and the outcome', () => {
    const { rawBody, signature } = fake.attemptedDelivery(
      'home.sub-1',
      { succeeded: true, state: 'delivered_to_recipient' },
      1_907_000_000_000,
    );
    expect(verifyCircuitWebhook(Buffer.from(rawBody), signature, fake.webhookSecret)).toBe(true);
    expect(parseCircuitStopEvent(rawBody)).toEqual({
      eventId: expect.stringMatching(/^stop\.attempted_delivery:plans\/\w+\/stops\/\w+:1907000000000$/),
      stopExternalId: 'home.sub-1',
      outcome: 'delivered',
      state: 'delivered_to_recipient',
      at: new Date(1_907_000_000_000).toISOString(),
    });
  });

  it('reads a failed attempt as not delivered, with the reason in our words', () => {
    const { rawBody } = fake.attemptedDelivery('home.sub-2', { succeeded: false, state: 'failed_not_home' });
    expect(parseCircuitStopEvent(rawBody)).toMatchObject({
      stopExternalId: 'home.sub-2',
      outcome: 'not-delivered',
      reason: 'absent',
    });
  });

  it('refuses a wrong, missing or malformed signature, and a body changed after signing', () => {
    const { rawBody, signature } = fake.attemptedDelivery('home.sub-1', {
      succeeded: true,
      state: 'delivered_other',
    });
    expect(
      verifyCircuitWebhook(rawBody, signCircuitWebhook(rawBody, 'another-secret'), fake.webhookSecret),
    ).toBe(false);
    expect(verifyCircuitWebhook(rawBody, undefined, fake.webhookSecret)).toBe(false);
    expect(verifyCircuitWebhook(rawBody, 'not-hex', fake.webhookSecret)).toBe(false);
    expect(
      verifyCircuitWebhook(rawBody.replace('home.sub-1', 'home.sub-2'), signature, fake.webhookSecret),
    ).toBe(false);
  });

  it('a replayed request verifies but gives the same event id, so the caller applies it once', () => {
    const sent = fake.attemptedDelivery(
      'home.sub-1',
      { succeeded: true, state: 'delivered_to_recipient' },
      1_000,
    );
    const seen = new Set<string>();
    const applied: string[] = [];
    for (const request of [sent, sent]) {
      expect(verifyCircuitWebhook(request.rawBody, request.signature, fake.webhookSecret)).toBe(true);
      const event = parseCircuitStopEvent(request.rawBody);
      if (event && !seen.has(event.eventId)) {
        seen.add(event.eventId);
        applied.push(event.stopExternalId);
      }
    }
    expect(applied).toEqual(['home.sub-1']);
    // A later attempt on the same stop is another event.
    const later = fake.attemptedDelivery('home.sub-1', { succeeded: false, state: 'failed_other' }, 2_000);
    expect(parseCircuitStopEvent(later.rawBody)?.eventId).not.toBe(
      parseCircuitStopEvent(sent.rawBody)?.eventId,
    );
  });

  it('ignores events that are not delivery attempts, and bodies that are not JSON', () => {
    const body = JSON.stringify({
      type: 'stop.allocated',
      version: 'v1',
      created: 1,
      data: { id: 'plans/p/stops/s' },
    });
    expect(parseCircuitStopEvent(body)).toBeUndefined();
    expect(parseCircuitStopEvent('not json')).toBeUndefined();
  });
});

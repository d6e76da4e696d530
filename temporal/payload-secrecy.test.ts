// The histories Temporal keeps (Temporal Cloud in production) hold no personal data in clear:
// a subscription applied for through the API, its history read raw from the server without the
// payload key, then through the app's client with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { testDataConverter, testEnvironment } from '../tests/support/environment.ts';
import type { Payload } from '@temporalio/common';
import { subscriptionWorkflowId } from '../workflows/subscription/contract.ts';
import { gardenOfSealedPayload, sealedEncoding } from './payload-codec.ts';

/** Every string and byte array of a history as text, bytes read as UTF-8 (where a name in clear would show). */
function asText(value: unknown, seen = new Set<unknown>()): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || seen.has(value)) return '';
  seen.add(value);
  return Object.values(value as Record<string, unknown>)
    .map((each) => asText(each, seen))
    .join('\n');
}

describe('workflow histories on the Temporal server', () => {
  let api: TestApi;
  let raw: Connection;
  const person = { firstName: 'Bérénice', lastName: 'Quenot-Secret' };

  beforeAll(async () => {
    api = await startTestApi('secrecy');
    raw = await Connection.connect({ address: testEnvironment().TEMPORAL_ADDRESS });
  });
  afterAll(async () => {
    await raw?.close();
    await api?.close();
  });

  it('hold no name, email or actor in clear, and the app reads them back with its key', async () => {
    const { id: memberId } = await api.createMember({ ...person, email: 'berenice.secret@example.org' });
    const applied = await api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/subscriptions`, {
      memberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: addDays(gardenDay(new Date()), 14),
    });
    expect([201, 202], applied.body).toContain(applied.statusCode);
    const workflowId = subscriptionWorkflowId(api.gardenId, applied.json<{ id: string }>().id);
    // Its first activity ran: the history holds input, activity payloads and state.
    await expect
      .poll(
        async () =>
          (await api.store.subscriptions.get(api.gardenId, applied.json<{ id: string }>().id))?.status,
        {
          timeout: 30_000,
        },
      )
      .toBeDefined();

    // As the server stores it: read with no key at all.
    const namespace = testEnvironment().TEMPORAL_NAMESPACE;
    const history = await new Client({
      connection: raw,
      namespace,
    }).workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId },
    });
    const text = asText(history);
    expect(text).toContain(sealedEncoding);
    for (const secret of [person.firstName, person.lastName, 'berenice.secret']) {
      expect(text, secret).not.toContain(secret);
    }

    // With the key (the app's own data converter), the same history opens, and it does hold
    // personal data: what the check above would have found in clear.
    const codec = testDataConverter()!.payloadCodecs![0]!;
    const collect = (value: unknown, into: Payload[]): void => {
      if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
      const payloads = (value as { payloads?: unknown }).payloads;
      if (Array.isArray(payloads)) into.push(...(payloads as Payload[]));
      for (const each of Object.values(value)) collect(each, into);
    };
    const sealed: Payload[] = [];
    collect(history, sealed);
    // Each names its garden (authenticated), so the codec server opens it for that garden only;
    // but markers (patches, local activities), which the SDK seals with no workflow context: those
    // open for network administrators only.
    const gardens = new Set<string | undefined>();
    for (const event of history.history?.events ?? []) {
      if (event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED) continue;
      const own: Payload[] = [];
      collect(event, own);
      for (const payload of own) gardens.add(gardenOfSealedPayload(payload));
    }
    expect(gardens).toEqual(new Set([api.gardenId]));
    const opened = asText(await codec.decode(sealed));
    expect(opened).toContain(memberId);
    // Who asked: the staff member's name, personal data the raw history must not show.
    const actor = /"requested":\{"by":\{"userId":"[^"]+","name":"([^"]+)"/.exec(opened)?.[1];
    expect(actor).toBeTruthy();
    expect(text).not.toContain(actor!);
  });
});

/**
 * Circuit's webhooks (v1): each request carries a `spoke-signature` header, the HMAC-SHA256
 * of the raw JSON body keyed with the team's webhook secret, in hex. The body is
 * `{ type, version, created, data }` where `created` is the event's epoch in milliseconds and
 * `data` is the stop for `stop.*` events. The signature holds no timestamp and the event no id,
 * so a replayed request verifies: the caller deduplicates by the `eventId` worked out here
 * (the same event sent twice gives the same id).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotDeliveredReason } from '../../domain/rounds/round.ts';

export const circuitSignatureHeader = 'spoke-signature';

/** True when the header is the body's signature with this secret (constant-time compare). */
export function verifyCircuitWebhook(
  rawBody: Buffer | string,
  header: string | string[] | undefined,
  secret: string,
): boolean {
  const signature = Array.isArray(header) ? header[0] : header;
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs a body as Circuit does (for the contract fake and tests). */
export function signCircuitWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export interface CircuitStopEvent {
  /** Stable for one event: `<type>:<stop id>:<created>`. */
  eventId: string;
  /** Our stop id, from `recipient.externalId`. */
  stopExternalId: string;
  outcome: 'delivered' | 'not-delivered';
  reason?: NotDeliveredReason;
  /** Circuit's delivery state (`delivered_to_recipient`, `failed_not_home`…), for the log. */
  state: string;
  /** When it happened (ISO instant). */
  at: string;
}

const reasonOfState = (state: string): NotDeliveredReason => {
  if (state === 'failed_not_home') return 'absent';
  if (state === 'failed_cant_find_address' || state === 'failed_no_parking') return 'inaccessible';
  return 'other';
};

/**
 * The delivery attempts among Circuit's events (`stop.attempted_delivery`): delivered or not,
 * with our stop id. Other events, or stops that are not ours, give `undefined`. Parse only a
 * body whose signature was verified.
 */
export function parseCircuitStopEvent(rawBody: Buffer | string): CircuitStopEvent | undefined {
  let event: unknown;
  try {
    event = JSON.parse(rawBody.toString());
  } catch {
    return undefined;
  }
  const { type, created, data } = (event ?? {}) as {
    type?: unknown;
    created?: unknown;
    data?: {
      id?: unknown;
      recipient?: { externalId?: unknown } | null;
      deliveryInfo?: { attempted?: unknown; succeeded?: unknown; state?: unknown } | null;
    };
  };
  if (type !== 'stop.attempted_delivery' || typeof created !== 'number' || typeof data?.id !== 'string') {
    return undefined;
  }
  const stopExternalId = data.recipient?.externalId;
  const info = data.deliveryInfo;
  if (typeof stopExternalId !== 'string' || !info || info.attempted !== true) return undefined;
  const state = typeof info.state === 'string' ? info.state : 'unknown';
  const delivered = info.succeeded === true;
  return {
    eventId: `${type}:${data.id}:${created}`,
    stopExternalId,
    outcome: delivered ? 'delivered' : 'not-delivered',
    ...(delivered ? {} : { reason: reasonOfState(state) }),
    state,
    at: new Date(created).toISOString(),
  };
}

import Type from 'typebox';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, parseKeyRing } from './payload-codec.ts';

/** How to reach Temporal: the local dev server, a self-hosted cluster or Temporal Cloud. */
export const TemporalSettings = Type.Object({
  TEMPORAL_ADDRESS: Type.String({ minLength: 1 }),
  TEMPORAL_NAMESPACE: Type.String({ minLength: 1 }),
  /** Temporal Cloud API key; when set, TLS is used. */
  TEMPORAL_API_KEY: Type.Optional(Type.String()),
  TEMPORAL_TLS: Type.Boolean({ default: false }),
  /**
   * The keys that seal workflow payloads (temporal/payload-codec.ts): `id:base64,id2:base64`,
   * each 32 bytes, every key still needed to read; with the id of the one that seals now.
   * Payloads stay in clear without them (never in production: infra/k8s sets them).
   */
  TEMPORAL_PAYLOAD_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_PAYLOAD_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Refuse to start without payload keys (staging and production set it: an empty secret would
   * otherwise leave every payload in clear on the Temporal service).
   */
  TEMPORAL_PAYLOAD_KEYS_REQUIRED: Type.Boolean({ default: false }),
});
export type TemporalSettings = Type.Static<typeof TemporalSettings>;

export function connectionOptions(settings: TemporalSettings) {
  const apiKey = settings.TEMPORAL_API_KEY;
  return {
    address: settings.TEMPORAL_ADDRESS,
    ...(settings.TEMPORAL_TLS || apiKey ? { tls: true } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

/**
 * How the process's clients and workers convert payloads: sealed with the payload keys when they
 * are set (every client and worker of a namespace must hold the same ring), as they are otherwise.
 */
export function dataConverterFrom(settings: TemporalSettings): DataConverter | undefined {
  const keys = settings.TEMPORAL_PAYLOAD_KEYS;
  if (!keys) {
    if (settings.TEMPORAL_PAYLOAD_KEYS_REQUIRED) {
      throw new Error(
        'TEMPORAL_PAYLOAD_KEYS is empty while TEMPORAL_PAYLOAD_KEYS_REQUIRED is true: put the payload keys in its secret (infra/aws/README.md, "Payload keys")',
      );
    }
    if (settings.TEMPORAL_PAYLOAD_KEY_ID)
      throw new Error('TEMPORAL_PAYLOAD_KEY_ID is set without TEMPORAL_PAYLOAD_KEYS');
    return undefined;
  }
  return { payloadCodecs: [new EncryptionCodec(parseKeyRing(keys, settings.TEMPORAL_PAYLOAD_KEY_ID ?? ''))] };
}

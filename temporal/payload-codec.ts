// Encryption of workflow payloads (issue 13): inputs, results, signals, updates, queries and
// memos hold names, emails, addresses and actors, which the Temporal service (Temporal Cloud in
// production) would otherwise store in clear. Each payload is sealed whole (its metadata and
// data) with AES-256-GCM under the current key; the key's id travels in the sealed payload's
// metadata so that payloads sealed under an earlier key stay readable after a rotation.
// Search attributes and workflow ids are not payloads: they stay free of personal data by
// design (temporal/search-attributes.ts).
//
// Each payload also names, in clear, the garden whose process owns it (from the workflow id the
// SDK passes as serialization context: `<garden>/<process>/<entity>`), and that name is
// authenticated with the key id: the codec server (api/routes/temporal-codec.ts) opens a garden's
// payloads for that garden's administrators only, and a payload relabelled with another garden
// does not open. Payloads without a garden (the network's processes, or a path of the SDK that
// gives no context) open for network administrators only.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { isGardenId } from '../domain/ids.ts';

/** The metadata `encoding` of a sealed payload. */
export const sealedEncoding = 'binary/encrypted';
/** The metadata key naming the key a payload was sealed with. */
export const keyIdMetadata = 'encryption-key-id';
/** The metadata key naming the garden whose process owns a sealed payload (absent: the network's). */
export const gardenMetadata = 'cocagne-garden';

/** The garden a workflow id belongs to (`<garden>/<process>/<entity>`), if any. */
export function gardenOfWorkflowId(workflowId: string | undefined): string | undefined {
  const first = workflowId?.split('/', 1)[0];
  return first && first !== 'network' && isGardenId(first) ? first : undefined;
}

/** The garden a sealed payload says it belongs to (authenticated when it opens), if any. */
export function gardenOfSealedPayload(payload: Payload): string | undefined {
  const bytes = payload.metadata?.[gardenMetadata];
  return bytes ? decoder.decode(bytes) : undefined;
}

/** What a sealed payload's tag authenticates besides its bytes: its key id and its garden. */
function additionalData(keyId: string, garden: string | undefined): Uint8Array {
  return encoder.encode(garden === undefined ? keyId : `${keyId}\n${garden}`);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ivBytes = 12;
const tagBytes = 16;

/** The keys a process holds: every key still needed to read, and the one it seals with. */
export interface PayloadKeyRing {
  /** Key id -> 32-byte key. */
  keys: ReadonlyMap<string, Uint8Array>;
  /** The id of the key new payloads are sealed with. */
  currentKeyId: string;
}

/** A payload that cannot be opened: its key is unknown here, or it was altered. */
export class PayloadSealError extends Error {
  override name = 'PayloadSealError';
}

const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Reads the key ring from the environment's form: `TEMPORAL_PAYLOAD_KEYS` as
 * `id:base64key,id2:base64key` (each key 32 bytes) and `TEMPORAL_PAYLOAD_KEY_ID`, the current one.
 * Throws a message a person can act on when anything is wrong, naming no key material.
 */
export function parseKeyRing(keys: string, currentKeyId: string): PayloadKeyRing {
  const ring = new Map<string, Uint8Array>();
  for (const entry of keys
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!keyIdPattern.test(id)) {
      throw new Error(
        'TEMPORAL_PAYLOAD_KEYS: each entry is <id>:<base64 key>, the id of letters, digits, . _ -',
      );
    }
    if (ring.has(id)) throw new Error(`TEMPORAL_PAYLOAD_KEYS: the key id ${id} is given twice`);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== 32) {
      throw new Error(`TEMPORAL_PAYLOAD_KEYS: the key ${id} is not 32 bytes of base64 (AES-256)`);
    }
    ring.set(id, new Uint8Array(key));
  }
  if (!ring.has(currentKeyId)) {
    throw new Error(
      `TEMPORAL_PAYLOAD_KEY_ID: ${currentKeyId || '(empty)'} is not one of TEMPORAL_PAYLOAD_KEYS' ids`,
    );
  }
  return { keys: ring, currentKeyId };
}

/** A payload's metadata and data, as bytes to seal (base64 inside JSON: small and dependency-free). */
function serialize(payload: Payload): Uint8Array {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value ?? []).toString('base64'),
    ]),
  );
  const data = Buffer.from(payload.data ?? []).toString('base64');
  return encoder.encode(JSON.stringify({ m: metadata, d: data }));
}

function deserialize(bytes: Uint8Array): Payload {
  const parsed = JSON.parse(decoder.decode(bytes)) as { m: Record<string, string>; d: string };
  const metadata: Record<string, Uint8Array> = Object.create(null) as Record<string, Uint8Array>;
  for (const [key, value] of Object.entries(parsed.m))
    metadata[key] = new Uint8Array(Buffer.from(value, 'base64'));
  return { metadata, data: new Uint8Array(Buffer.from(parsed.d, 'base64')) };
}

/** The codec clients, workers and the archive use: seals with the current key, opens with any key of the ring. */
export class EncryptionCodec implements PayloadCodec {
  readonly #ring: PayloadKeyRing;

  constructor(ring: PayloadKeyRing) {
    if (!ring.keys.has(ring.currentKeyId)) throw new Error('The current payload key is not in the key ring');
    this.#ring = ring;
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const keyId = this.#ring.currentKeyId;
    const key = this.#ring.keys.get(keyId)!;
    const garden = gardenOfWorkflowId(context?.workflowId);
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id and the garden are authenticated too: a sealed payload relabelled fails.
      cipher.setAAD(additionalData(keyId, garden));
      const sealed = Buffer.concat([cipher.update(serialize(payload)), cipher.final()]);
      return {
        metadata: {
          encoding: encoder.encode(sealedEncoding),
          [keyIdMetadata]: encoder.encode(keyId),
          ...(garden === undefined ? {} : { [gardenMetadata]: encoder.encode(garden) }),
        },
        data: new Uint8Array(Buffer.concat([iv, sealed, cipher.getAuthTag()])),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.['encoding'];
      // Payloads written before encryption was turned on are read as they are.
      if (!encoding || decoder.decode(encoding) !== sealedEncoding) return payload;
      const keyIdBytes = payload.metadata?.[keyIdMetadata];
      const keyId = keyIdBytes ? decoder.decode(keyIdBytes) : '';
      const key = this.#ring.keys.get(keyId);
      if (!key) {
        throw new PayloadSealError(
          `A payload is sealed with the key "${keyId}", which this process does not hold (TEMPORAL_PAYLOAD_KEYS)`,
        );
      }
      const bytes = payload.data ?? new Uint8Array();
      if (bytes.length < ivBytes + tagBytes) throw new PayloadSealError('A sealed payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes));
      decipher.setAAD(additionalData(keyId, gardenOfSealedPayload(payload)));
      decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
      try {
        const opened = Buffer.concat([
          decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)),
          decipher.final(),
        ]);
        return deserialize(opened);
      } catch {
        throw new PayloadSealError(`A payload sealed with the key "${keyId}" does not open: it was altered`);
      }
    });
  }
}

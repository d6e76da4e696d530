import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  EncryptionCodec,
  gardenMetadata,
  gardenOfSealedPayload,
  gardenOfWorkflowId,
  keyIdMetadata,
  parseKeyRing,
  PayloadSealError,
  sealedEncoding,
} from './payload-codec.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { dataConverterFrom, TemporalSettings } from './settings.ts';

const newKey = () => randomBytes(32).toString('base64');
const member = {
  name: 'Claire <b>Martin</b>',
  email: 'claire.martin@example.org',
  address: '12 rue des Jardins, 25000 Besançon',
};
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('latin1');

describe('the payload encryption codec (AES-256-GCM, key ids)', () => {
  const k1 = newKey();
  const k2 = newKey();

  it('seals a payload whole, so neither its data nor its metadata can be read, and opens it again', async () => {
    const codec = new EncryptionCodec(parseKeyRing(`k1:${k1}`, 'k1'));
    const payload = defaultPayloadConverter.toPayload(member);
    const [sealed] = await codec.encode([payload]);
    expect(text(sealed!.metadata!['encoding'])).toBe(sealedEncoding);
    expect(text(sealed!.metadata![keyIdMetadata])).toBe('k1');
    const everything = text(sealed!.data) + Object.values(sealed!.metadata!).map(text).join('');
    for (const secret of ['Claire', 'Martin', 'claire.martin', 'Jardins', 'json/plain']) {
      expect(everything).not.toContain(secret);
    }
    // A new IV each time: the same value never seals to the same bytes.
    const [again] = await codec.encode([payload]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(sealed!.data!))).toBe(false);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(member);
    expect(text(opened!.metadata!['encoding'])).toBe('json/plain');
  });

  it('reads payloads sealed under an earlier key after a rotation, and seals new ones with the current key', async () => {
    const before = new EncryptionCodec(parseKeyRing(`k1:${k1}`, 'k1'));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(member)]);
    const rotated = new EncryptionCodec(parseKeyRing(`k1:${k1}, k2:${k2}`, 'k2'));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(member);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('nouveau')]);
    expect(text(fresh!.metadata![keyIdMetadata])).toBe('k2');
    // Once k1 is retired from the ring, its payloads say which key they need.
    const retired = new EncryptionCodec(parseKeyRing(`k2:${k2}`, 'k2'));
    expect(defaultPayloadConverter.fromPayload((await retired.decode([fresh!]))[0]!)).toBe('nouveau');
    await expect(retired.decode([old!])).rejects.toThrow(
      new PayloadSealError(
        'A payload is sealed with the key "k1", which this process does not hold (TEMPORAL_PAYLOAD_KEYS)',
      ),
    );
  });

  it('refuses a payload that was altered, truncated or relabelled with another key id', async () => {
    const codec = new EncryptionCodec(parseKeyRing(`k1:${k1},k2:${k2}`, 'k1'));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(member)]);
    const flipped = new Uint8Array(sealed!.data!);
    flipped[20] = flipped[20]! ^ 0x01;
    const altered: Payload = { ...sealed!, data: flipped };
    await expect(codec.decode([altered])).rejects.toThrow(/does not open: it was altered/);
    const truncated: Payload = { ...sealed!, data: sealed!.data!.subarray(0, 20) };
    await expect(codec.decode([truncated])).rejects.toThrow(/truncated/);
    const relabelled: Payload = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [keyIdMetadata]: new TextEncoder().encode('k2') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/does not open: it was altered/);
  });

  it('passes payloads written before encryption through unchanged', async () => {
    const codec = new EncryptionCodec(parseKeyRing(`k1:${k1}`, 'k1'));
    const plain = defaultPayloadConverter.toPayload({ week: '2027-W02' });
    expect(await codec.decode([plain])).toEqual([plain]);
    expect(await codec.decode([])).toEqual([]);
  });

  it('keeps metadata keys such as __proto__ as data, and payloads without data', async () => {
    const codec = new EncryptionCodec(parseKeyRing(`__proto__:${k1}`, '__proto__'));
    const odd: Payload = {};
    odd.metadata = Object.fromEntries([
      ['__proto__', new Uint8Array([1, 2])],
      ['encoding', new TextEncoder().encode('binary/null')],
    ]);
    const [opened] = await codec.decode(await codec.encode([odd]));
    expect(Object.getOwnPropertyNames(opened!.metadata)).toEqual(['__proto__', 'encoding']);
    expect(opened!.data).toEqual(new Uint8Array());
  });

  it('names the garden of the workflow that owns a payload, and a payload relabelled with another garden does not open', async () => {
    const codec = new EncryptionCodec(parseKeyRing(`k1:${k1}`, 'k1'));
    const context = {
      type: 'workflow',
      namespace: 'default',
      workflowId: 'jardin-a/subscription/m1.2027-01-04',
    } as const;
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(member)], context);
    expect(gardenOfSealedPayload(sealed!)).toBe('jardin-a');
    expect(defaultPayloadConverter.fromPayload((await codec.decode([sealed!]))[0]!)).toEqual(member);
    const relabelled = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [gardenMetadata]: new TextEncoder().encode('jardin-b') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(PayloadSealError);
    const unlabelled = { ...sealed!, metadata: { ...sealed!.metadata } };
    delete unlabelled.metadata[gardenMetadata];
    await expect(codec.decode([unlabelled])).rejects.toThrow(PayloadSealError);
    // The network's processes, and payloads sealed without a context, belong to no garden.
    const [network] = await codec.encode([defaultPayloadConverter.toPayload(1)], {
      type: 'workflow',
      namespace: 'default',
      workflowId: 'network/garden-provisioning/jardin-a',
    });
    expect(gardenOfSealedPayload(network!)).toBeUndefined();
    expect(
      gardenOfSealedPayload((await codec.encode([defaultPayloadConverter.toPayload(1)]))[0]!),
    ).toBeUndefined();
    expect(gardenOfWorkflowId('__proto__/x/y')).toBeUndefined();
    expect(gardenOfWorkflowId('<b>x</b>/x/y')).toBeUndefined();
    expect(gardenOfWorkflowId(undefined)).toBeUndefined();
  });

  it('says what is wrong with the keys given, without showing them', () => {
    const cases: Array<[string, string, RegExp]> = [
      [`k1:${k1}`, 'k9', /TEMPORAL_PAYLOAD_KEY_ID: k9 is not one of/],
      [`k1:${k1}`, '', /\(empty\) is not one of/],
      [`k1:${randomBytes(16).toString('base64')}`, 'k1', /the key k1 is not 32 bytes/],
      [`k1:${k1},k1:${k2}`, 'k1', /the key id k1 is given twice/],
      [`${k1}`, 'k1', /each entry is <id>:<base64 key>/],
      [`<b>x</b>:${k1}`, 'k1', /each entry is <id>:<base64 key>/],
    ];
    for (const [keys, current, message] of cases) {
      let thrown: unknown;
      try {
        parseKeyRing(keys, current);
      } catch (error) {
        thrown = error;
      }
      expect(String(thrown), keys.slice(0, 8)).toMatch(message);
      expect(String(thrown)).not.toContain(k1);
      expect(String(thrown)).not.toContain(k2);
    }
  });

  it('refuses to start without keys where they are required, an empty secret included', () => {
    const base = { TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'default' };
    const settings = (env: Record<string, string>) =>
      readConfiguration(TemporalSettings, { ...base, ...env });
    const unset: Array<Record<string, string>> = [
      {},
      { TEMPORAL_PAYLOAD_KEYS: '', TEMPORAL_PAYLOAD_KEY_ID: '' },
    ];
    for (const keys of unset) {
      expect(() => dataConverterFrom(settings({ ...keys, TEMPORAL_PAYLOAD_KEYS_REQUIRED: 'true' }))).toThrow(
        /TEMPORAL_PAYLOAD_KEYS is empty while TEMPORAL_PAYLOAD_KEYS_REQUIRED is true/,
      );
      // Elsewhere (a developer's own Temporal), payloads stay as they are.
      expect(dataConverterFrom(settings(keys))).toBeUndefined();
    }
    const sealing = dataConverterFrom(
      settings({
        TEMPORAL_PAYLOAD_KEYS: `k1:${k1}`,
        TEMPORAL_PAYLOAD_KEY_ID: 'k1',
        TEMPORAL_PAYLOAD_KEYS_REQUIRED: 'true',
      }),
    );
    expect(sealing?.payloadCodecs?.[0]).toBeInstanceOf(EncryptionCodec);
  });
});

import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CocagneError, notFound } from '../../domain/errors.ts';
import type {
  ActiveExtension,
  ExtensionManifest,
  GardenExtensionSet,
} from '../../domain/extensions/catalogue.ts';
import type { TestVectors } from '../../domain/extension-rollout.ts';

/**
 * Extension modules and each garden's configuration JSON, in S3:
 * - `extensions/modules/<sha256>.wasm`: a module, addressed by its content hash (so a version
 *   never changes under a caller), with `extensions/modules/<sha256>.json`, the manifest it
 *   was first uploaded with;
 * - `<garden>/extensions/<name>/<version>/`: what the garden uploaded with it (manifest, test vectors);
 * - `<garden>/configuration.json`: the garden's configuration, whose `extensions` is its active
 *   set (GardenExtensionSet), so a garden can be rebuilt from S3. Written only over the copy
 *   read (ETag), with its revision raised: two activations at once never lose one.
 */
export const moduleKey = (contentHash: string) => `extensions/modules/${contentHash}.wasm`;
export const configurationKey = (gardenId: string) => `${gardenId}/configuration.json`;
const uploadKey = (gardenId: string, name: string, version: string, file: string) =>
  `${gardenId}/extensions/${name}/${version}/${file}`;

export function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const isMissing = (error: unknown) =>
  error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');
const isPreconditionFailure = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'PreconditionFailed' ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412);

const emptySet = (gardenId: string): GardenExtensionSet => ({
  gardenId,
  active: [],
  revision: 0,
  updatedAt: new Date(0).toISOString(),
});

/** How the active set changes: the new set from the one read (undefined: nothing to change). */
type SetChange = (set: GardenExtensionSet) => GardenExtensionSet | undefined;

export function createExtensionModules(s3: S3Client, bucket: string) {
  async function read(key: string): Promise<{ bytes: Uint8Array; etag?: string } | undefined> {
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await (answer.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()));
      return { bytes, ...(answer.ETag ? { etag: answer.ETag } : {}) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async function putJson(key: string, value: unknown): Promise<void> {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(value, null, 2),
        ContentType: 'application/json',
      }),
    );
  }

  async function configuration(gardenId: string) {
    const found = await read(configurationKey(gardenId));
    if (!found) return { document: { gardenId } as Record<string, unknown>, etag: undefined };
    return {
      document: JSON.parse(new TextDecoder().decode(found.bytes)) as Record<string, unknown>,
      etag: found.etag,
    };
  }

  function setOf(gardenId: string, document: Record<string, unknown>): GardenExtensionSet {
    const set = document.extensions as GardenExtensionSet | undefined;
    return set && Array.isArray(set.active) ? set : emptySet(gardenId);
  }

  return {
    /** The garden's active set (an empty one, revision 0, when it never activated any). */
    async activeSet(gardenId: string): Promise<GardenExtensionSet> {
      return setOf(gardenId, (await configuration(gardenId)).document);
    },

    /** A module's bytes by content hash. */
    async moduleBytes(contentHash: string): Promise<Uint8Array> {
      const found = await read(moduleKey(contentHash));
      if (!found) throw notFound({ fr: `Module ${contentHash}`, en: `Module ${contentHash}` });
      return found.bytes;
    },

    /**
     * Stores a module by its content hash (once: the same bytes are the same object) with what
     * the garden uploaded with it; returns the hash.
     */
    async storeModule(
      gardenId: string,
      bytes: Uint8Array,
      manifest: ExtensionManifest,
      testVectors: TestVectors,
    ): Promise<string> {
      const contentHash = contentHashOf(bytes);
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: moduleKey(contentHash),
            Body: bytes,
            ContentType: 'application/wasm',
            IfNoneMatch: '*',
          }),
        );
        await putJson(`extensions/modules/${contentHash}.json`, manifest);
      } catch (error) {
        if (!isPreconditionFailure(error)) throw error;
      }
      await putJson(uploadKey(gardenId, manifest.name, manifest.version, 'extension.json'), manifest);
      await putJson(uploadKey(gardenId, manifest.name, manifest.version, 'test-vectors.json'), testVectors);
      return contentHash;
    },

    async testVectors(gardenId: string, name: string, version: string): Promise<TestVectors> {
      const found = await read(uploadKey(gardenId, name, version, 'test-vectors.json'));
      return found ? (JSON.parse(new TextDecoder().decode(found.bytes)) as TestVectors) : {};
    },

    /**
     * Changes the garden's active set over the copy read: when another change was written
     * meanwhile (ETag), reads again and applies the change to that one. Returns the set as
     * written (or as it was, when the change leaves it alone).
     */
    async changeActiveSet(gardenId: string, change: SetChange): Promise<GardenExtensionSet> {
      for (let attempt = 0; attempt < 10; attempt++) {
        const { document, etag } = await configuration(gardenId);
        const current = setOf(gardenId, document);
        const next = change(current);
        if (!next) return current;
        const written: GardenExtensionSet = { ...next, gardenId, revision: current.revision + 1 };
        try {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: configurationKey(gardenId),
              Body: JSON.stringify({ ...document, gardenId, extensions: written }, null, 2),
              ContentType: 'application/json',
              ...(etag ? { IfMatch: etag } : { IfNoneMatch: '*' }),
            }),
          );
          return written;
        } catch (error) {
          if (!isPreconditionFailure(error)) throw error;
        }
      }
      throw new CocagneError('conflict', {
        fr: 'La configuration du jardin change sans cesse : réessayez dans un instant.',
        en: "The garden's configuration keeps changing: try again in a moment.",
      });
    },
  };
}
export type ExtensionModules = ReturnType<typeof createExtensionModules>;

/**
 * The set with `extension` active: it replaces the extension's other version, and any other
 * extension implementing one of its hooks (one extension per hook).
 */
export function withActive(set: GardenExtensionSet, extension: ActiveExtension): GardenExtensionSet {
  const current = set.active.find((entry) => entry.name === extension.name);
  if (current?.contentHash === extension.contentHash && current.version === extension.version) {
    return set;
  }
  return {
    ...set,
    active: [
      ...set.active.filter(
        (entry) =>
          entry.name !== extension.name && !entry.hooks.some((hook) => extension.hooks.includes(hook)),
      ),
      extension,
    ],
    updatedAt: extension.activatedAt,
  };
}

/** The set without the extension `name`. */
export function withoutExtension(set: GardenExtensionSet, name: string, at: string): GardenExtensionSet {
  return { ...set, active: set.active.filter((entry) => entry.name !== name), updatedAt: at };
}

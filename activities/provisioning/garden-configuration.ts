import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Store } from '../../adapters/store/index.ts';
import { configurationKey } from '../../adapters/store/extension-modules.ts';
import type { DeliveryCalendar } from '../../domain/delivery-calendar.ts';
import type { GardenExtensionSet } from '../../domain/extensions/catalogue.ts';
import type { Garden } from '../../domain/garden.ts';
import type { GardenContact } from '../../domain/garden-contact.ts';
import type { GardenRules } from '../../domain/garden-rules.ts';
import type { Pricing } from '../../domain/pricing.ts';

/**
 * The garden's configuration JSON in S3 (`<garden>/configuration.json`): the disaster-recovery
 * copy of its settings, with its active extensions (`extensions`, kept up to date by each
 * activation, adapters/store/extension-modules.ts) and the versions it was written from. Its
 * `schemaVersion` says how to read it; a change of shape raises it and `restoreGardenSettings`
 * learns to read both.
 */
export const gardenConfigurationSchemaVersion = 1;

export interface GardenConfiguration {
  schemaVersion: number;
  gardenId: string;
  garden: Omit<Garden, 'state'>;
  settings: {
    rules: GardenRules;
    calendar: DeliveryCalendar;
    contact: GardenContact;
    pricing: Pricing;
  };
  extensions: GardenExtensionSet;
  /** Each setting's version when written, so a later copy can tell what changed. */
  versions: { rules: number; calendar: number; contact: number; pricing: number; extensions: number };
  /** Where the garden's files are, under its prefix. */
  prefixes: { documents: string; invoices: string; extensions: string; exports: string };
  savedAt: string;
}

/** Everything of a garden in S3 is under this prefix (documents, invoices, extensions, exports). */
export const gardenPrefix = (gardenId: string) => `${gardenId}/`;

/**
 * What a retired garden keeps outside its own prefix, read rarely if ever: `archives/<garden>/`,
 * which the bucket's lifecycle moves to Glacier, then Deep Archive (infra/aws/storage-stack.ts).
 */
export const gardenKeptArchivePrefix = (gardenId: string) => `archives/${gardenId}/`;

/** Objects copied at once by `moveUnder`, and the page it copies then deletes before the next. */
const copyConcurrency = 8;
const movePage = 200;

export const gardenPrefixes = (gardenId: string): GardenConfiguration['prefixes'] => ({
  documents: `${gardenId}/weeks/`,
  invoices: `${gardenId}/invoices/`,
  extensions: `${gardenId}/extensions/`,
  exports: `${gardenId}/exports/`,
});

/** The garden's configuration as its store holds it now. */
export async function gardenConfigurationOf(
  store: Store,
  garden: Garden,
  extensions: GardenExtensionSet,
  now: string,
): Promise<GardenConfiguration> {
  const { state: _state, ...identity } = garden;
  const [rules, calendar, contact, pricing] = await Promise.all([
    store.settings.rules(garden.id),
    store.settings.calendar(garden.id),
    store.settings.contact(garden.id, garden),
    store.settings.pricing(garden.id),
  ]);
  return {
    schemaVersion: gardenConfigurationSchemaVersion,
    gardenId: garden.id,
    garden: identity,
    settings: { rules, calendar, contact, pricing },
    extensions,
    versions: {
      rules: rules.version,
      calendar: calendar.version,
      contact: contact.version,
      pricing: pricing.version,
      extensions: extensions.revision,
    },
    prefixes: gardenPrefixes(garden.id),
    savedAt: now,
  };
}

const isPreconditionFailure = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'PreconditionFailed' ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412);
const isMissing = (error: unknown) =>
  error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');

/** The garden's files in S3: its configuration JSON, its prefix, its exports. */
export function createGardenBlobs(s3: S3Client, bucket: string) {
  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** Deletes the objects; one S3 could not delete fails the call (safe to repeat). */
  async function deleteKeys(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      // Quiet: the answer lists only the objects that could not be deleted.
      const { Errors } = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.slice(start, start + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (Errors && Errors.length > 0) {
        const first = Errors[0];
        throw new Error(
          `S3 could not delete ${Errors.length} objects of ${bucket}, such as ${first?.Key} (${first?.Code}: ${first?.Message})`,
        );
      }
    }
  }

  async function putJson(key: string, value: unknown, onlyIfAbsent = false): Promise<boolean> {
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: JSON.stringify(value, null, 2),
          ContentType: 'application/json',
          ...(onlyIfAbsent ? { IfNoneMatch: '*' } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (onlyIfAbsent && isPreconditionFailure(error)) return false;
      throw error;
    }
  }

  async function readJson<T>(key: string): Promise<T | undefined> {
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse((await answer.Body?.transformToString('utf-8')) ?? '') as T;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  return {
    keysUnder,

    /** Writes the configuration unless one is there (then a run before this one wrote it). */
    async saveConfiguration(configuration: GardenConfiguration): Promise<boolean> {
      const written = await putJson(configurationKey(configuration.gardenId), configuration, true);
      // Each prefix gets a marker, so the garden's folders exist (and are listed) from the start.
      for (const prefix of Object.values(configuration.prefixes)) {
        await putJson(`${prefix}.keep`, { gardenId: configuration.gardenId }, true);
      }
      return written;
    },

    readJson,

    /**
     * Writes the garden's settings over its configuration JSON, keeping the `extensions` the
     * copy holds (each activation writes those, adapters/store/extension-modules.ts): read with
     * its ETag, written only if unchanged meanwhile, else read again.
     */
    async refreshSettings(configuration: GardenConfiguration): Promise<void> {
      const key = configurationKey(configuration.gardenId);
      for (let attempt = 0; attempt < 10; attempt++) {
        let current: { document: Partial<GardenConfiguration>; etag: string | undefined } | undefined;
        try {
          const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          const text = (await answer.Body?.transformToString('utf-8')) ?? '';
          current = { document: JSON.parse(text) as Partial<GardenConfiguration>, etag: answer.ETag };
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
        const extensions = current?.document.extensions ?? configuration.extensions;
        const written: GardenConfiguration = {
          ...configuration,
          extensions,
          versions: { ...configuration.versions, extensions: extensions.revision },
        };
        try {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: JSON.stringify(written, null, 2),
              ContentType: 'application/json',
              ...(current?.etag ? { IfMatch: current.etag } : { IfNoneMatch: '*' }),
            }),
          );
          return;
        } catch (error) {
          if (!isPreconditionFailure(error)) throw error;
        }
      }
      throw new Error(`The configuration of ${configuration.gardenId} kept changing during ten tries.`);
    },

    async configuration(gardenId: string): Promise<GardenConfiguration | undefined> {
      return readJson<GardenConfiguration>(configurationKey(gardenId));
    },

    /** Deletes everything under the garden's prefix; returns how many objects went. */
    async deleteGarden(gardenId: string): Promise<number> {
      const keys = await keysUnder(gardenPrefix(gardenId));
      await deleteKeys(keys);
      return keys.length;
    },

    /**
     * Moves every object under `from` to the same name under `to`: a page of them copied, then
     * deleted, then the next page; returns how many moved. Run again after a crash, it finds
     * only what was not yet deleted, and copies it again (the same bytes) before deleting it.
     */
    async moveUnder(from: string, to: string): Promise<number> {
      const keys = await keysUnder(from);
      for (let start = 0; start < keys.length; start += movePage) {
        const page = keys.slice(start, start + movePage);
        for (let at = 0; at < page.length; at += copyConcurrency) {
          await Promise.all(
            page.slice(at, at + copyConcurrency).map((key) =>
              s3.send(
                new CopyObjectCommand({
                  Bucket: bucket,
                  Key: `${to}${key.slice(from.length)}`,
                  // The source as a URL path: each segment encoded (run keys hold `%`).
                  CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
                }),
              ),
            ),
          );
        }
        await deleteKeys(page);
      }
      return keys.length;
    },

    /** Deletes the garden's objects except those under the kept prefixes. */
    async deleteGardenExcept(gardenId: string, kept: readonly string[]): Promise<number> {
      const keys = (await keysUnder(gardenPrefix(gardenId))).filter(
        (key) => !kept.some((prefix) => key.startsWith(prefix)),
      );
      await deleteKeys(keys);
      return keys.length;
    },

    putJson,
  };
}
export type GardenBlobs = ReturnType<typeof createGardenBlobs>;

/**
 * Restores a garden's settings from its configuration JSON into a store that does not have
 * them (a stack rebuilt after a disaster): the garden's record, rules, calendar, contact and
 * pricing, each as version 1. Extensions need nothing: their set is read from the JSON itself.
 */
export async function restoreGardenSettings(store: Store, configuration: GardenConfiguration): Promise<void> {
  if (configuration.schemaVersion !== gardenConfigurationSchemaVersion) {
    throw new Error(
      `Configuration of ${configuration.gardenId} has schema version ${configuration.schemaVersion}; this code reads ${gardenConfigurationSchemaVersion}`,
    );
  }
  const { gardenId, settings } = configuration;
  await store.gardens.register({ ...configuration.garden, state: 'active' });
  const { version: _r, ...rules } = settings.rules;
  if (settings.rules.version > 0) await store.settings.saveRules(gardenId, rules, 0);
  const { version: _c, gardenId: _g, updatedAt, ...calendar } = settings.calendar;
  if (settings.calendar.version > 0) await store.settings.saveCalendar(gardenId, calendar, 0, updatedAt);
  const { version: _k, ...contact } = settings.contact;
  if (settings.contact.version > 0) await store.settings.saveContact(gardenId, contact, 0);
  const { version: _p, ...pricing } = settings.pricing;
  if (settings.pricing.version > 0) await store.settings.savePricing(gardenId, pricing, 0);
}

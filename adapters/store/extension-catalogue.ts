import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Act, Actor } from '../../domain/actor.ts';
import { CocagneError } from '../../domain/errors.ts';
import type {
  ActiveExtension,
  ExtensionCatalogue,
  ExtensionManifest,
  GardenExtensionSet,
} from '../../domain/extensions/catalogue.ts';
import type { ExtensionVersionRecord, TestVectors } from '../../domain/extension-rollout.ts';
import type { Localized } from '../../domain/locale.ts';
import type { TableNames } from './dynamo-client.ts';
import { createExtensionModules, withActive, withoutExtension } from './extension-modules.ts';
import { createExtensionRecords } from './extension-records.ts';

export interface ExtensionCatalogueDeps {
  s3: S3Client;
  /** The bucket of modules and gardens' configurations (the documents bucket). */
  bucket: string;
  db: DynamoDBDocumentClient;
  tables: TableNames;
}

const versionMissing = (name: string, version: string) =>
  new CocagneError('not_found', {
    fr: `La version ${version} de l’extension ${name} est introuvable.`,
    en: `Version ${version} of extension ${name} not found.`,
  });

/**
 * What gardens run, over the real peers: modules and active sets in S3 (`extension-modules.ts`),
 * versions and their figures in DynamoDB (`extension-records.ts`). Hooks' callers read it through
 * the `ExtensionCatalogue` port; the rollout activates and rolls back through it.
 */
export function createExtensionCatalogue(deps: ExtensionCatalogueDeps) {
  const modules = createExtensionModules(deps.s3, deps.bucket);
  const records = createExtensionRecords(deps.db, deps.tables);

  const entryOf = (record: ExtensionVersionRecord, at: string): ActiveExtension => ({
    name: record.name,
    version: record.version,
    hooks: record.manifest.hooks,
    contentHash: record.contentHash,
    activatedAt: at,
  });

  async function requireVersion(gardenId: string, name: string, version: string) {
    const record = await records.version(gardenId, name, version);
    if (!record) throw versionMissing(name, version);
    return record;
  }

  const port: ExtensionCatalogue = {
    activeSet: (gardenId) => modules.activeSet(gardenId),
    moduleBytes: (contentHash) => modules.moduleBytes(contentHash),
  };

  return {
    ...port,
    modules,
    records,

    /**
     * Stores an uploaded version: its module in S3 by content hash, its record (status
     * `uploaded`). The same version uploaded again with the same module changes nothing;
     * with another module, it is refused (raise the version).
     */
    async upload(
      gardenId: string,
      upload: { manifest: ExtensionManifest; testVectors: TestVectors; module: Uint8Array },
      uploaded: Act,
    ): Promise<{ record: ExtensionVersionRecord; created: boolean }> {
      const { manifest } = upload;
      const existing = await records.version(gardenId, manifest.name, manifest.version);
      const contentHash = await modules.storeModule(gardenId, upload.module, manifest, upload.testVectors);
      const record: ExtensionVersionRecord = {
        gardenId,
        name: manifest.name,
        version: manifest.version,
        manifest,
        contentHash,
        sizeBytes: upload.module.byteLength,
        status: 'uploaded',
        uploaded,
        testVectorCount: Object.values(upload.testVectors).reduce((sum, cases) => sum + cases.length, 0),
        history: [
          {
            at: uploaded.at,
            by: uploaded.by,
            what: { fr: 'Version déposée.', en: 'Version uploaded.' },
          },
        ],
      };
      if (existing && existing.contentHash === contentHash) return { record: existing, created: false };
      const created = await records.createVersion(record);
      return {
        record: created
          ? record
          : ((await records.version(gardenId, manifest.name, manifest.version)) ?? record),
        created,
      };
    },

    /**
     * Makes a version the garden's active one for its hooks: new calls use it (calls already
     * running finish on the one they started with). Replaces the extension's previous version
     * and any other extension of the same hooks. Idempotent; returns what it replaced.
     */
    async activate(
      gardenId: string,
      name: string,
      version: string,
      options: { at: string; probationEndsAt?: string },
    ): Promise<{ set: GardenExtensionSet; replaced: ActiveExtension[] }> {
      const record = await requireVersion(gardenId, name, version);
      const entry = entryOf(record, options.at);
      let replaced: ActiveExtension[] = [];
      const set = await modules.changeActiveSet(gardenId, (current) => {
        const next = withActive(current, entry);
        replaced = current.active.filter((active) => !next.active.includes(active));
        return next === current ? undefined : next;
      });
      if (record.status !== 'probation' && record.status !== 'active') {
        await records.updateVersion(
          gardenId,
          name,
          version,
          {
            status: options.probationEndsAt ? 'probation' : 'active',
            activatedAt: options.at,
            ...(options.probationEndsAt ? { probationEndsAt: options.probationEndsAt } : {}),
          },
          { at: options.at, what: { fr: 'Activée pour le jardin.', en: 'Activated for the garden.' } },
        );
      }
      for (const old of replaced) {
        await records
          .updateVersion(
            gardenId,
            old.name,
            old.version,
            { status: 'superseded', endedAt: options.at },
            {
              at: options.at,
              what: {
                fr: `Remplacée par ${name} ${version}.`,
                en: `Replaced by ${name} ${version}.`,
              },
            },
          )
          .catch(() => undefined); // a version activated before records were kept
      }
      return { set, replaced };
    },

    /**
     * Rolls a version back: the garden's calls go to `to` (a version of the same extension that
     * was active before) or, without one, to the built-in behaviour. Nothing changes when the
     * version is no longer the active one (rolled back already).
     */
    async rollback(
      gardenId: string,
      name: string,
      version: string,
      options: { at: string; reason: Localized; by?: Actor; to?: string },
    ): Promise<{ set: GardenExtensionSet; rolledBack: boolean }> {
      const target = options.to ? await requireVersion(gardenId, name, options.to) : undefined;
      let rolledBack = false;
      const set = await modules.changeActiveSet(gardenId, (current) => {
        const active = current.active.find((entry) => entry.name === name);
        rolledBack = active?.version === version;
        if (!rolledBack) return undefined;
        return target
          ? withActive(withoutExtension(current, name, options.at), entryOf(target, options.at))
          : withoutExtension(current, name, options.at);
      });
      if (!rolledBack) {
        // Rolled back in S3 by an attempt whose records were not written (a retry): finish them.
        const record = await records.version(gardenId, name, version);
        const stillActive = set.active.some((entry) => entry.name === name && entry.version === version);
        if (stillActive || (record?.status !== 'probation' && record?.status !== 'active')) {
          return { set, rolledBack };
        }
        rolledBack = true;
      }
      const by = options.by ? { by: options.by } : {};
      await records.updateVersion(
        gardenId,
        name,
        version,
        {
          status: 'rolled-back',
          endedAt: options.at,
          rollback: {
            at: options.at,
            reason: options.reason,
            ...by,
            ...(target ? { to: target.version } : {}),
          },
        },
        {
          at: options.at,
          ...by,
          what: {
            fr: `Retour arrière${target ? ` vers la version ${target.version}` : ' au comportement intégré'} : ${options.reason.fr}`,
            en: `Rolled back${target ? ` to version ${target.version}` : ' to the built-in behaviour'}: ${options.reason.en}`,
          },
        },
      );
      if (target) {
        await records.updateVersion(
          gardenId,
          name,
          target.version,
          { status: 'active', activatedAt: options.at },
          {
            at: options.at,
            ...by,
            what: {
              fr: `Réactivée après le retour arrière de la version ${version}.`,
              en: `Active again after version ${version} was rolled back.`,
            },
          },
        );
      }
      return { set, rolledBack };
    },
  };
}
export type ExtensionCatalogueStore = ReturnType<typeof createExtensionCatalogue>;

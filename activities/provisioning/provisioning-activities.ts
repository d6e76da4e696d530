import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Mailer } from '../../adapters/messaging/mailer.ts';
import { EmailTakenError } from '../../adapters/keycloak/keycloak-team.ts';
import { sha256Hex } from '../../adapters/store/action-log.ts';
import type { Store } from '../../adapters/store/index.ts';
import { queryAll } from '../../adapters/store/query-all.ts';
import { isCocagneError } from '../../domain/errors.ts';
import { gardenStateOf, type Garden } from '../../domain/garden.ts';
import { normaliseSiret, type NewGardenRequest } from '../../domain/garden-provisioning.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import { gardenArchivePrefix } from '../../domain/journal/archive-keys.ts';
import { verifyChain, type StaffAction } from '../../domain/journal/staff-actions.ts';
import type { Localized } from '../../domain/locale.ts';
import { defaultPricing } from '../../domain/pricing.ts';
import { asTemporalFailure } from '../failures.ts';
import {
  gardenConfigurationOf,
  gardenKeptArchivePrefix,
  gardenPrefixes,
  type GardenBlobs,
} from './garden-configuration.ts';
import type {
  GardenClusterPort,
  GardenIdentityPort,
  GardenSchedulesPort,
  GardenWorkflowsPort,
} from './ports.ts';

export interface ProvisioningPorts {
  store: Store;
  blobs: GardenBlobs;
  identity: GardenIdentityPort;
  /** Absent when no cluster is configured: the deployment step says so and goes on. */
  cluster?: GardenClusterPort | undefined;
  schedules: GardenSchedulesPort;
  workflows: GardenWorkflowsPort;
  mailer: Mailer;
  /** The app's public address, for the welcome email's links. */
  publicUrl: string;
  now?: () => Date;
}

/** What a step reports: what a person should know besides its success, and its attempt. */
export interface StepOutcome {
  note?: Localized;
  /** The activity's attempt that succeeded (1 when the first try did). */
  attempt: number;
}

/** A step that failed for good: the sentence shown on the page, in French and English. */
export const stepFailedType = 'provisioning_step_failed';

function fail(messages: Localized, nonRetryable = true): never {
  throw ApplicationFailure.create({
    type: stepFailedType,
    message: messages.en,
    details: [messages],
    nonRetryable,
  });
}

/** Errors of the adapters as failures the workflow shows: words when the adapter has them. */
function asStepFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof EmailTakenError) {
    return ApplicationFailure.create({
      type: stepFailedType,
      message: error.message,
      details: [
        {
          fr: 'Un compte existe déjà avec l’adresse du premier administrateur (dans un autre jardin, ou celui d’un adhérent). Choisissez une autre adresse, puis annulez la création et recommencez.',
          en: 'An account already has the first administrator’s address (in another garden, or a member’s). Choose another address, then roll back and start again.',
        } satisfies Localized,
      ],
      nonRetryable: true,
    });
  }
  if (isCocagneError(error)) return asTemporalFailure(error);
  // The cluster adapter's errors carry their words and whether trying again may help.
  const { messages, transient } = error as { messages?: Localized; transient?: boolean };
  if (error instanceof Error && messages && typeof messages.fr === 'string') {
    return ApplicationFailure.create({
      type: stepFailedType,
      message: error.message,
      details: [messages],
      nonRetryable: transient === false,
    });
  }
  return asTemporalFailure(error);
}

const attempt = () => {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
};

/** How many times a batch's unprocessed deletions are sent again, the first after this wait (doubled each time). */
const unprocessedRetries = 4;
const unprocessedPauseMs = 100;

/** Sort keys of a garden's records kept for the legal retention of invoices (10 years). */
const invoiceKeyPrefixes = ['INVOICE#', 'INVOICESOURCE#', 'COUNTER#INVOICE'];
/** The control table's partition of a garden's extensions (adapters/store/extension-records.ts). */
const extensionsPartition = (gardenId: string) => `EXTENSIONS#${gardenId}`;
/**
 * A member's calendar-feed token in the garden's partition (`ICAL#<member>`), and its lookup
 * in the control table (`ICAL`, the token), as adapters/store/calendar-links.ts writes them.
 */
const calendarLinkPrefix = 'ICAL#';
const calendarLookupPartition = 'ICAL';
/**
 * The garden's staff action log in the gardens table (adapters/store/action-log.ts): its entries
 * and head, and the requests' origins (IP address, user agent) beside them.
 */
const staffActionsPartition = (gardenId: string) => `ACTIONS#${gardenId}`;
const staffOriginsPartition = (gardenId: string) => `ACTIONORIGIN#${gardenId}`;
const staffActionsHead = 'HEAD';
/** The staff action log's file in a retirement's export (`staff-actions-<exportId>.json`). */
const staffActionsFile = /\/staff-actions(-[^/]*)?\.json$/;

/**
 * The staff action log as a retirement exports it: every entry with its hash, in order, and
 * the head, so that `verifyChain` (domain/journal/staff-actions.ts) checks the chain from the
 * file alone. The requests' origins are not in it: they are kept 12 months only
 * (`originRetentionSeconds`), not for as long as the export.
 */
export interface ExportedStaffActions {
  gardenId: string;
  exportedAt: string;
  head: { seq: number; hash: string } | null;
  count: number;
  entries: StaffAction[];
  verification: string;
}

/** The settings items `writeGardenDefaults` writes (and only those are erased by its undo). */
const settingsKeys = ['SETTINGS#RULES', 'SETTINGS#CALENDAR', 'SETTINGS#CONTACT', 'SETTINGS#PRICING'];

/**
 * What creating and retiring a garden do to the world, one activity per step and one per
 * undo, each safe to run again after a crash (it finds what a run before it did).
 */
export function createProvisioningActivities(ports: ProvisioningPorts) {
  const { store, blobs } = ports;
  const now = () => (ports.now ?? (() => new Date()))();

  /**
   * Takes the garden's own host out of the web client's sign-in addresses, unless another garden
   * still being served holds the same host (its sign-in must keep working).
   */
  async function forbidSiteHostOf(gardenId: string): Promise<void> {
    const hostName = (await store.gardens.get(gardenId))?.hostName;
    if (!hostName) return;
    const holders = (await store.gardens.list()).filter(
      (garden) => garden.id !== gardenId && garden.hostName === hostName && garden.state !== 'retired',
    );
    if (holders.length === 0) await ports.identity.forbidSiteHost(hostName);
  }

  async function gardenOf(gardenId: string): Promise<Garden> {
    const garden = await store.gardens.get(gardenId);
    if (!garden) {
      fail({
        fr: `Le jardin ${gardenId} n’est pas (ou plus) inscrit au registre.`,
        en: `Garden ${gardenId} is not (or no longer) in the registry.`,
      });
    }
    return garden;
  }

  /**
   * Deletes the items, 25 a batch. What DynamoDB leaves unprocessed (throttled) is sent again a
   * few times after a short, growing wait; still left then, the activity fails, and Temporal
   * runs it again (deleting what is already gone is no error).
   */
  async function deleteItems(table: string, keys: Array<{ pk: string; sk: string }>): Promise<void> {
    for (let start = 0; start < keys.length; start += 25) {
      type Deletion = { DeleteRequest: { Key: Record<string, unknown> } };
      let pending: Deletion[] = keys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; ; attempt++) {
        const answer = await store.db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (answer.UnprocessedItems?.[table] ?? []) as Deletion[];
        if (pending.length === 0) break;
        if (attempt >= unprocessedRetries) {
          throw new Error(
            `DynamoDB left ${pending.length} deletions of ${table} unprocessed after ${unprocessedRetries + 1} tries`,
          );
        }
        await sleep(unprocessedPauseMs * 2 ** attempt);
      }
    }
  }

  /** The garden's own records: its partition of the gardens table. */
  async function gardenItems(gardenId: string) {
    return queryAll(store.db, {
      TableName: store.tables.gardens,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': gardenId },
    });
  }

  /** Its records in the control table: its extensions' versions, golden cases and figures. */
  async function gardenControlItems(gardenId: string) {
    return queryAll(store.db, {
      TableName: store.tables.control,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': extensionsPartition(gardenId) },
    });
  }

  /** The garden's staff action log as stored: its entries in order of seq, and its head. */
  async function staffActionLog(gardenId: string) {
    const items = await queryAll(store.db, {
      TableName: store.tables.gardens,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': staffActionsPartition(gardenId) },
      ConsistentRead: true,
    });
    const headItem = items.find((item) => item.sk === staffActionsHead);
    const entries = items
      .filter((item) => item.sk !== staffActionsHead)
      .map((item) => {
        // The entry without its storage keys: the fields its hash covers, and the hash.
        const { pk: _pk, sk: _sk, entity: _entity, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...entry } = item;
        return entry as unknown as StaffAction;
      });
    const head = headItem ? { seq: Number(headItem.seq), hash: String(headItem.hash) } : undefined;
    return { items, entries, head };
  }

  /**
   * Writes the garden's staff action log to `key`, merged with what the file already holds: an
   * entry never changes, so the union by seq loses nothing when a run before this one erased
   * part of the partition after writing the file. Returns what the file holds now.
   */
  async function exportStaffActions(gardenId: string, key: string): Promise<ExportedStaffActions> {
    const stored = await staffActionLog(gardenId);
    const before = await blobs.readJson<ExportedStaffActions>(key);
    const bySeq = new Map<number, StaffAction>();
    for (const entry of [...(before?.entries ?? []), ...stored.entries]) bySeq.set(entry.seq, entry);
    const entries = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const heads = [before?.head ?? undefined, stored.head].filter((head) => head !== undefined);
    const head = heads.sort((a, b) => b.seq - a.seq)[0] ?? null;
    const exported: ExportedStaffActions = {
      gardenId,
      exportedAt: now().toISOString(),
      head,
      count: entries.length,
      entries,
      verification:
        'Each entry: hash = sha256(previousHash + canonical JSON of the entry without its hash); previousHash = the hash of the entry before (64 zeros for the first); head = the last entry. verifyChain of domain/journal/staff-actions.ts checks it.',
    };
    await blobs.putJson(key, exported);
    return exported;
  }

  const activities = {
    // 1. reserve
    async reserveGarden(input: { request: NewGardenRequest; reservedBy: string }): Promise<StepOutcome> {
      const { request } = input;
      const hostName = request.hostName?.trim().toLowerCase();
      if (hostName) {
        const holder = (await store.gardens.list()).find(
          (garden) => garden.id !== request.slug && garden.hostName === hostName,
        );
        if (holder) {
          fail({
            fr: `Le nom d’hôte « ${hostName} » est déjà celui du jardin « ${holder.name} ».`,
            en: `The host name “${hostName}” already belongs to the garden “${holder.name}”.`,
          });
        }
      }
      const reserved = await store.gardens.reserve(
        {
          id: request.slug,
          name: request.name.trim(),
          city: request.city.trim(),
          contactEmail: request.contactEmail.trim().toLowerCase(),
          timeZone: request.timeZone,
          createdAt: now().toISOString(),
          ...(hostName ? { hostName } : {}),
        },
        input.reservedBy,
      );
      if (!reserved) {
        fail({
          fr: `L’identifiant « ${request.slug} » est déjà pris par un autre jardin.`,
          en: `The slug “${request.slug}” is already taken by another garden.`,
        });
      }
      return { attempt: attempt() };
    },

    /** Deletes this creation's reservation; another garden's record (the slug was taken) stays. */
    async releaseGardenReservation(input: { gardenId: string; reservedBy: string }): Promise<void> {
      await store.gardens.deleteReservation(input.gardenId, input.reservedBy);
    },

    // 2. data
    async writeGardenDefaults(input: { request: NewGardenRequest }): Promise<StepOutcome> {
      const { request } = input;
      const gardenId = request.slug;
      const settings = store.settings;
      const at = now().toISOString();
      // Each write only when absent: a run before this one may have written some.
      const writes: Array<[number, () => Promise<unknown>]> = [
        [
          (await settings.rules(gardenId)).version,
          () => settings.saveRules(gardenId, withoutVersion(defaultGardenRules), 0),
        ],
        [
          (await settings.calendar(gardenId)).version,
          () => settings.saveCalendar(gardenId, { seasons: [], closedWeeks: [], cutoffHours: 48 }, 0, at),
        ],
        [
          (await settings.contact(gardenId, undefined)).version,
          () =>
            settings.saveContact(
              gardenId,
              { email: request.contactEmail.trim().toLowerCase(), address: request.legal.address.trim() },
              0,
            ),
        ],
        [
          (await settings.pricing(gardenId)).version,
          () =>
            settings.savePricing(
              gardenId,
              {
                ...withoutVersion(defaultPricing),
                // What invoices print about the seller.
                legal: {
                  name: request.legal.legalName.trim(),
                  address: request.legal.address.trim(),
                  siret: normaliseSiret(request.legal.siret),
                  vatNote: defaultPricing.legal.vatNote,
                },
              },
              0,
            ),
        ],
      ];
      for (const [version, write] of writes) {
        if (version > 0) continue;
        await write().catch((error: unknown) => {
          if (!(isCocagneError(error) && error.code === 'conflict')) throw error;
        });
      }
      return { attempt: attempt() };
    },

    async eraseGardenDefaults(input: { gardenId: string }): Promise<void> {
      await deleteItems(
        store.tables.gardens,
        settingsKeys.map((sk) => ({ pk: input.gardenId, sk })),
      );
    },

    // 3. configuration
    async saveGardenConfiguration(input: { gardenId: string }): Promise<StepOutcome> {
      const garden = await gardenOf(input.gardenId);
      const configuration = await gardenConfigurationOf(
        store,
        garden,
        { gardenId: garden.id, active: [], revision: 0, updatedAt: now().toISOString() },
        now().toISOString(),
      );
      const written = await blobs.saveConfiguration(configuration);
      return {
        attempt: attempt(),
        ...(written
          ? {}
          : {
              note: {
                fr: 'La configuration était déjà enregistrée (reprise après interruption) : gardée telle quelle.',
                en: 'The configuration was already saved (resumed after an interruption): kept as it was.',
              },
            }),
      };
    },

    async deleteGardenConfiguration(input: { gardenId: string }): Promise<void> {
      await blobs.deleteGarden(input.gardenId);
    },

    // 4. identity
    async createGardenIdentity(input: {
      gardenId: string;
      firstAdmin: NewGardenRequest['firstAdmin'];
    }): Promise<StepOutcome> {
      await ports.identity.ensureGroup(input.gardenId);
      const { userId } = await ports.identity.ensureFirstAdmin(input.gardenId, input.firstAdmin);
      // Sign-in on the garden's own host name returns there (Keycloak refuses unknown addresses).
      const { hostName } = await gardenOf(input.gardenId);
      if (hostName) await ports.identity.allowSiteHost(hostName);
      // Keycloak's invitation once: a run that stopped after asking for it does not ask again.
      if (!(await store.gardens.marks(input.gardenId)).invitationSentAt) {
        await ports.identity.sendInvitation(userId);
        await store.gardens.mark(input.gardenId, 'invitationSentAt', now().toISOString());
      }
      return { attempt: attempt() };
    },

    async deleteGardenIdentity(input: { gardenId: string; email: string }): Promise<void> {
      await forbidSiteHostOf(input.gardenId);
      await ports.identity.removeFirstAdmin(input.gardenId, input.email);
      await ports.identity.removeGroup(input.gardenId);
    },

    // 5. deployment
    async deployGarden(input: { gardenId: string; waitMs: number }): Promise<StepOutcome> {
      if (!ports.cluster) {
        return {
          attempt: attempt(),
          note: {
            fr: 'Aucun cluster Kubernetes n’est configuré : le worker du jardin tourne dans le processus commun.',
            en: 'No Kubernetes cluster is configured: the garden’s worker runs in the shared process.',
          },
        };
      }
      const { hostName } = await gardenOf(input.gardenId);
      if (hostName && !ports.cluster.servesSites) {
        fail({
          fr: `Le jardin a son propre nom d’hôte (${hostName}) mais le profil de déploiement ne dit pas comment le servir (« site » : adresse de l’API, classe d’Ingress) : complétez GARDEN_DEPLOYMENT_PROFILE, puis réessayez.`,
          en: `The garden has its own host name (${hostName}) but the deployment profile does not say how to serve it (“site”: API address, Ingress class): complete GARDEN_DEPLOYMENT_PROFILE, then retry.`,
        });
      }
      await ports.cluster.apply(input.gardenId, { hostName });
      const availability = await ports.cluster.waitUntilAvailable(input.gardenId, {
        timeoutMs: input.waitMs,
        pollMs: Math.min(2_000, input.waitMs),
      });
      if (availability.available) return { attempt: attempt() };
      if (availability.reason === 'no-nodes') {
        return {
          attempt: attempt(),
          note: {
            fr: `Aucun nœud Kubernetes local : le worker n’est pas démarré ici. ${availability.message.fr}`,
            en: `No local Kubernetes node: the worker is not started here. ${availability.message.en}`,
          },
        };
      }
      fail(availability.message);
    },

    async undeployGarden(input: { gardenId: string }): Promise<StepOutcome> {
      if (!ports.cluster) return { attempt: attempt() };
      const removed = await ports.cluster.remove(input.gardenId);
      return {
        attempt: attempt(),
        ...(removed.length > 0
          ? {
              note: {
                fr: `${removed.length} objets Kubernetes supprimés.`,
                en: `${removed.length} Kubernetes objects deleted.`,
              },
            }
          : {}),
      };
    },

    // 6. schedules
    async scheduleGarden(input: { gardenId: string }): Promise<StepOutcome> {
      const garden = await gardenOf(input.gardenId);
      await ports.schedules.ensure(garden.id, garden.timeZone);
      return { attempt: attempt() };
    },

    async unscheduleGarden(input: { gardenId: string }): Promise<StepOutcome> {
      await ports.schedules.remove(input.gardenId);
      return { attempt: attempt() };
    },

    // 7. welcome
    async welcomeGarden(input: {
      gardenId: string;
      firstAdmin: NewGardenRequest['firstAdmin'];
    }): Promise<StepOutcome> {
      const garden = await gardenOf(input.gardenId);
      if (!(await store.gardens.marks(garden.id)).welcomeSentAt) {
        const home = ports.publicUrl.replace(/\/+$/, '');
        await ports.mailer.send({
          to: input.firstAdmin.email.trim().toLowerCase(),
          replyTo: garden.contactEmail,
          subject: `Bienvenue sur Cocagne, ${garden.name} / Welcome to Cocagne`,
          text:
            `Bonjour ${input.firstAdmin.firstName.trim()},\n\n` +
            `Le jardin « ${garden.name} » est prêt sur Cocagne, et vous en êtes l’administrateur. ` +
            `Un autre message vous invite à choisir votre mot de passe. Ensuite, à votre première connexion, ` +
            `une liste vous guide : calendrier, dépôts, prix, produits, comptes de l’équipe.\n\n` +
            `${home}/\n\n— Le réseau Cocagne\n\n` +
            `---\n\nHello ${input.firstAdmin.firstName.trim()},\n\n` +
            `The garden “${garden.name}” is ready on Cocagne, and you are its administrator. Another email ` +
            `invites you to choose your password. At your first sign-in a checklist guides you: calendar, ` +
            `depots, prices, products, staff accounts.\n\n${home}/\n\n— The Cocagne network`,
        });
        await store.gardens.mark(garden.id, 'welcomeSentAt', now().toISOString());
      }
      if (!(await store.gardens.setState(garden.id, ['provisioning'], 'active'))) {
        fail({
          fr: `Le jardin ${garden.id} n’est plus « en création » (${gardenStateOf(await gardenOf(garden.id))}) : il n’est pas activé.`,
          en: `Garden ${garden.id} is no longer being created: it is not activated.`,
        });
      }
      return { attempt: attempt() };
    },

    /**
     * Undoes the activation (the welcome step stopped after it): the garden is `provisioning`
     * again, so the reservation's undo can delete it. A sent welcome email cannot be unsent.
     */
    async reopenGardenCreation(input: { gardenId: string }): Promise<void> {
      const garden = await store.gardens.get(input.gardenId);
      if (garden) await store.gardens.setState(input.gardenId, ['active'], 'provisioning');
    },

    // Retirement
    async exportGardenData(input: { gardenId: string; exportId: string }): Promise<StepOutcome> {
      const garden = await gardenOf(input.gardenId);
      if (!(await store.gardens.setState(garden.id, ['active', 'suspended'], 'retiring'))) {
        fail({
          fr: `Le jardin ${garden.id} n’est ni actif ni suspendu : il ne peut pas être retiré.`,
          en: `Garden ${garden.id} is neither active nor suspended: it cannot be retired.`,
        });
      }
      const key = `${gardenPrefixes(garden.id).exports}retirement-${input.exportId}.json`;
      // The staff action log in its own file beside it (the data step adds what comes after).
      const staffActionsKey = `${gardenPrefixes(garden.id).exports}staff-actions-${input.exportId}.json`;
      const staffActions = await exportStaffActions(garden.id, staffActionsKey);
      const items = await gardenItems(garden.id);
      const controlItems = await gardenControlItems(garden.id);
      await blobs.putJson(key, {
        gardenId: garden.id,
        garden: { ...garden, state: 'retiring' },
        exportedAt: now().toISOString(),
        configuration: await blobs.configuration(garden.id),
        records: items,
        extensionRecords: controlItems,
        staffActions: { key: staffActionsKey },
      });
      const count = items.length + controlItems.length;
      return {
        attempt: attempt(),
        note: {
          fr: `${count} enregistrements exportés dans S3 : ${key} ; le journal des actions de l’équipe (${staffActions.count} entrées) : ${staffActionsKey}.`,
          en: `${count} records exported to S3: ${key}; the staff action log (${staffActions.count} entries): ${staffActionsKey}.`,
        },
      };
    },

    async closeGardenWorkflows(input: { gardenId: string; waitMs: number }): Promise<StepOutcome> {
      const { cancelled, terminated } = await ports.workflows.close(input.gardenId, input.waitMs);
      return {
        attempt: attempt(),
        note: {
          fr: `${cancelled} processus annulés${terminated > 0 ? `, dont ${terminated} arrêtés de force faute de s’être terminés à temps` : ''}.`,
          en: `${cancelled} processes cancelled${terminated > 0 ? `, ${terminated} of them terminated for not ending in time` : ''}.`,
        },
      };
    },

    async disableGardenIdentity(input: { gardenId: string }): Promise<StepOutcome> {
      const disabled = await ports.identity.disableAccounts(input.gardenId);
      await ports.identity.removeGroup(input.gardenId);
      await forbidSiteHostOf(input.gardenId);
      return {
        attempt: attempt(),
        note: { fr: `${disabled} comptes désactivés.`, en: `${disabled} accounts disabled.` },
      };
    },

    async eraseGardenData(input: { gardenId: string }): Promise<StepOutcome> {
      const prefixes = gardenPrefixes(input.gardenId);
      const items = await gardenItems(input.gardenId);
      const erased = items.filter(
        (item) => !invoiceKeyPrefixes.some((prefix) => String(item.sk).startsWith(prefix)),
      );
      const keyOf = (item: Record<string, unknown>) => ({ pk: String(item.pk), sk: String(item.sk) });
      // The members' calendar-feed tokens lead from the control table to the garden: those
      // lookups go first, so a run stopped before the partition is erased still finds them.
      const feedTokens = items.flatMap((item) =>
        String(item.sk).startsWith(calendarLinkPrefix) && typeof item.token === 'string' ? [item.token] : [],
      );
      await deleteItems(
        store.tables.control,
        feedTokens.map((token) => ({ pk: calendarLookupPartition, sk: token })),
      );
      await deleteItems(store.tables.gardens, erased.map(keyOf));
      const controlItems = await gardenControlItems(input.gardenId);
      await deleteItems(store.tables.control, controlItems.map(keyOf));
      const files = await blobs.deleteGardenExcept(input.gardenId, [prefixes.invoices, prefixes.exports]);
      const kept = items.length - erased.length;
      // The staff action log: into the export first (with what was logged since the export
      // step), then out of the table, the origins with it.
      const staffActionsKeys = (await blobs.keysUnder(prefixes.exports)).filter((key) =>
        staffActionsFile.test(key),
      );
      if (staffActionsKeys.length === 0) staffActionsKeys.push(`${prefixes.exports}staff-actions.json`);
      let exportedActions = 0;
      // A chain that does not verify is exported as it is (the file shows the break to whoever
      // checks it) and said in the note: the erasure does not wait on it.
      const breaks: string[] = [];
      for (const key of staffActionsKeys) {
        const exported = await exportStaffActions(input.gardenId, key);
        const chain = verifyChain(exported.entries, sha256Hex, exported.head);
        if (!chain.ok) breaks.push(`${key}: ${chain.break.problem} (${chain.break.seq})`);
        exportedActions = Math.max(exportedActions, exported.count);
      }
      const origins = await queryAll(store.db, {
        TableName: store.tables.gardens,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': staffOriginsPartition(input.gardenId) },
      });
      await deleteItems(store.tables.gardens, origins.map(keyOf));
      await deleteItems(store.tables.gardens, (await staffActionLog(input.gardenId)).items.map(keyOf));
      // The closed workflows' archived histories leave the live archive for the kept one.
      const keptHistories = `${gardenKeptArchivePrefix(input.gardenId)}history-archive/`;
      const histories = await blobs.moveUnder(gardenArchivePrefix(input.gardenId), keptHistories);
      const broken =
        breaks.length === 0
          ? { fr: '', en: '' }
          : {
              fr: ` Attention, la chaîne du journal exporté ne se vérifie pas : ${breaks.join(' ; ')}.`,
              en: ` Beware, the exported log's chain does not verify: ${breaks.join('; ')}.`,
            };
      return {
        attempt: attempt(),
        note: {
          fr: `${erased.length + controlItems.length} enregistrements et ${files} fichiers effacés ; le journal des actions de l’équipe (${exportedActions} entrées, dans ${staffActionsKeys.join(', ')}) et ses ${origins.length} origines (adresses IP) effacés de DynamoDB ; ${histories} historiques de processus archivés déplacés dans ${keptHistories}. Conservés pour la durée légale : ${kept} enregistrements de factures (DynamoDB, partition ${input.gardenId}) et les PDF des factures (S3, ${prefixes.invoices}) ; l’export reste dans ${prefixes.exports}.${broken.fr}`,
          en: `${erased.length + controlItems.length} records and ${files} files erased; the staff action log (${exportedActions} entries, in ${staffActionsKeys.join(', ')}) and its ${origins.length} origins (IP addresses) erased from DynamoDB; ${histories} archived process histories moved to ${keptHistories}. Kept for their legal retention: ${kept} invoice records (DynamoDB, partition ${input.gardenId}) and the invoices' PDFs (S3, ${prefixes.invoices}); the export stays in ${prefixes.exports}.${broken.en}`,
        },
      };
    },

    async markGardenRetired(input: { gardenId: string }): Promise<StepOutcome> {
      if (!(await store.gardens.setState(input.gardenId, ['retiring'], 'retired'))) {
        fail({
          fr: `Le jardin ${input.gardenId} n’est pas « en retrait » : il n’est pas marqué retiré.`,
          en: `Garden ${input.gardenId} is not being retired: it is not marked retired.`,
        });
      }
      return { attempt: attempt() };
    },
  };

  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await (activity as (...a: never[]) => Promise<unknown>)(...args);
      } catch (error) {
        throw asStepFailure(error);
      }
    };
  }
  return wrapped as typeof activities;
}
export type ProvisioningActivities = ReturnType<typeof createProvisioningActivities>;

function withoutVersion<T extends { version: number }>(value: T): Omit<T, 'version'> {
  const { version: _version, ...rest } = value;
  return rest;
}

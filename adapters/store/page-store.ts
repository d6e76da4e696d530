import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/errors.ts';
import {
  defaultLegalDetails,
  type PageDraft,
  type PagePublisher,
  type PageRecord,
  type PageVersion,
  type PublishedSummary,
  type PublisherLegalDetails,
} from '../../domain/garden-pages.ts';
import type { ChangeItem, ChangeLog } from './action-log.ts';
import { isConditionFailure, putVersioned, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryAll } from './query-all.ts';

// A publisher's pages live in the gardens table, in the garden's own partition (so a garden's
// pages leave with its data); the network's in a partition of their own:
//   pk = <gardenId> | NETWORK#PAGES, sk = PAGE#<slug>                     the page: draft, latest published
//   pk = …,                          sk = PAGEVERSION#<slug>#<000001>      one published version, never rewritten
//   pk = <gardenId> | NETWORK#PAGES, sk = SETTINGS#LEGAL                  the legal details (versioned)
// A publish writes the version (on condition it does not exist) and moves the page's record (on
// condition of the revision read) in one transaction: two publishes never take the same number,
// and a draft saved meanwhile is never cleared unseen.

const network: PagePublisher = { kind: 'network' };
const partitionOf = (publisher: PagePublisher) =>
  publisher.kind === 'garden' ? publisher.gardenId : 'NETWORK#PAGES';
const pageKey = (publisher: PagePublisher, slug: string) => ({
  pk: partitionOf(publisher),
  sk: `PAGE#${slug}`,
});
const versionPrefix = (slug: string) => `PAGEVERSION#${slug}#`;
const versionKey = (publisher: PagePublisher, slug: string, version: number) => ({
  pk: partitionOf(publisher),
  sk: `${versionPrefix(slug)}${String(version).padStart(7, '0')}`,
});

function recordOf(item: Record<string, unknown>): PageRecord {
  const { slug, legal, draft, published, revision } = item as unknown as PageRecord;
  return {
    slug,
    legal: legal === true,
    ...(draft ? { draft } : {}),
    ...(published ? { published } : {}),
    revision: Number(revision ?? 0),
  };
}

/** What a page's draft or version weighs in UTF-8, to keep an item under DynamoDB's 400 KB. */
export function pageBytes(page: { title: string; html: string }): number {
  return new TextEncoder().encode(page.title).length + new TextEncoder().encode(page.html).length;
}

/** The garden's pages, their drafts and published versions, and its legal details. */
export function createPageStore(db: DynamoDBDocumentClient, tables: TableNames) {
  const table = tables.gardens;

  async function readLegalDetails(
    pk: string,
    registered: { name: string; address: string; siret: string } | undefined,
  ): Promise<PublisherLegalDetails> {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: { pk, sk: 'SETTINGS#LEGAL' }, ConsistentRead: true }),
    );
    return Item ? withoutKeys<PublisherLegalDetails>(Item) : defaultLegalDetails(registered);
  }

  async function writeLegalDetails(
    pk: string,
    input: Omit<PublisherLegalDetails, 'version'>,
    expectedVersion: number,
    log?: ChangeLog,
  ): Promise<PublisherLegalDetails> {
    const details: PublisherLegalDetails = { ...input, version: expectedVersion + 1 };
    await putVersioned(
      db,
      table,
      { pk, sk: 'SETTINGS#LEGAL', entity: 'legal-details', ...details },
      expectedVersion,
      log,
    );
    return details;
  }

  async function get(publisher: PagePublisher, slug: string): Promise<PageRecord | undefined> {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: pageKey(publisher, slug), ConsistentRead: true }),
    );
    return Item ? recordOf(Item) : undefined;
  }

  return {
    /** Every page of the publisher, without its draft's HTML (a list). */
    async list(publisher: PagePublisher): Promise<PageRecord[]> {
      const items = await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partitionOf(publisher), ':prefix': 'PAGE#' },
        ProjectionExpression: '#slug, #legal, #published, #revision, #draft.#title, #draft.#updatedAt',
        ExpressionAttributeNames: {
          '#slug': 'slug',
          '#legal': 'legal',
          '#published': 'published',
          '#revision': 'revision',
          '#draft': 'draft',
          '#title': 'title',
          '#updatedAt': 'updatedAt',
        },
        ConsistentRead: true,
      });
      return items.map((item) => {
        const record = recordOf(item);
        // Only the title and time were read: the list never shows the HTML.
        return record.draft
          ? {
              ...record,
              draft: {
                title: record.draft.title,
                updatedAt: record.draft.updatedAt,
                html: '',
                updatedBy: '',
              },
            }
          : record;
      });
    },

    get,

    /** Saves the page's draft, creating the page when it has none yet; the record as saved. */
    async saveDraft(
      publisher: PagePublisher,
      slug: string,
      legal: boolean,
      draft: PageDraft,
    ): Promise<PageRecord> {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: pageKey(publisher, slug),
          UpdateExpression:
            'SET #draft = :draft, #slug = :slug, #legal = :legal, #entity = :entity, ' +
            '#revision = if_not_exists(#revision, :zero) + :one',
          ExpressionAttributeNames: {
            '#draft': 'draft',
            '#slug': 'slug',
            '#legal': 'legal',
            '#entity': 'entity',
            '#revision': 'revision',
          },
          ExpressionAttributeValues: {
            ':draft': draft,
            ':slug': slug,
            ':legal': legal,
            ':entity': 'page',
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return recordOf(Attributes ?? {});
    },

    /**
     * Publishes version `version.version` of a page whose record was read at `revision`: the
     * version is written, the record names it as the latest and loses its draft. Another publish
     * or a draft saved since the read is a conflict (409), and nothing is written. With a `log`,
     * the staff action log's entry goes in the same transaction.
     */
    async publish(
      publisher: PagePublisher,
      version: PageVersion,
      revision: number,
      log?: ChangeLog,
    ): Promise<PublishedSummary> {
      const summary: PublishedSummary = {
        version: version.version,
        title: version.title,
        publishedAt: version.publishedAt,
        substantial: version.substantial,
      };
      const items: ChangeItem[] = [
        {
          Put: {
            TableName: table,
            Item: {
              ...versionKey(publisher, version.slug, version.version),
              entity: 'page-version',
              ...version,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: table,
            Key: pageKey(publisher, version.slug),
            UpdateExpression: 'SET #published = :published, #revision = :next REMOVE #draft',
            ConditionExpression: '#revision = :revision',
            ExpressionAttributeNames: {
              '#published': 'published',
              '#revision': 'revision',
              '#draft': 'draft',
            },
            ExpressionAttributeValues: {
              ':published': summary,
              ':revision': revision,
              ':next': revision + 1,
            },
          },
        },
      ];
      if (log) {
        // The entry names the page and its version (`version` alone is a record's bookkeeping, never shown).
        const logged = {
          slug: version.slug,
          publishedVersion: version.version,
          title: version.title,
          substantial: version.substantial,
          ...(version.note ? { note: version.note } : {}),
        };
        await log.write(items, logged, () => conflict());
        return summary;
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (isConditionFailure(error)) throw conflict();
        throw error;
      }
      return summary;
    },

    /**
     * Drops the page's draft. A page of the garden's own that was never published goes with it;
     * a legal page goes back to its template. False when there was no such page.
     */
    async dropDraft(publisher: PagePublisher, slug: string): Promise<boolean> {
      const page = await get(publisher, slug);
      if (!page) return false;
      try {
        if (!page.legal && !page.published) {
          await db.send(
            new DeleteCommand({
              TableName: table,
              Key: pageKey(publisher, slug),
              ConditionExpression: 'attribute_not_exists(#published)',
              ExpressionAttributeNames: { '#published': 'published' },
            }),
          );
        } else if (page.draft) {
          await db.send(
            new UpdateCommand({
              TableName: table,
              Key: pageKey(publisher, slug),
              UpdateExpression: 'SET #revision = #revision + :one REMOVE #draft',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#revision': 'revision', '#draft': 'draft' },
              ExpressionAttributeValues: { ':one': 1 },
            }),
          );
        }
      } catch (error) {
        // Published or removed in between: the caller reads the page again.
        if (isConditionFailure(error)) throw conflict();
        throw error;
      }
      return true;
    },

    async version(publisher: PagePublisher, slug: string, version: number): Promise<PageVersion | undefined> {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: versionKey(publisher, slug, version), ConsistentRead: true }),
      );
      return Item ? withoutKeys<PageVersion>(Item) : undefined;
    },

    /** A page's published versions, newest first, without their HTML. */
    async versions(publisher: PagePublisher, slug: string): Promise<Array<Omit<PageVersion, 'html'>>> {
      const items: Array<Record<string, unknown>> = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': partitionOf(publisher), ':prefix': versionPrefix(slug) },
            ProjectionExpression: '#slug, #version, #title, publishedAt, publishedBy, substantial, note',
            ExpressionAttributeNames: { '#slug': 'slug', '#version': 'version', '#title': 'title' },
            ScanIndexForward: false,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.map((item) => withoutKeys<Omit<PageVersion, 'html'>>(item));
    },

    /**
     * The latest published version of a page, as the consent work needs it: a new substantial
     * CGV or privacy policy is one members accept again.
     */
    async latestVersion(
      publisher: PagePublisher,
      slug: string,
    ): Promise<{ version: number; substantial: boolean; publishedAt: string } | undefined> {
      const page = await get(publisher, slug);
      if (!page?.published) return undefined;
      const { version, substantial, publishedAt } = page.published;
      return { version, substantial, publishedAt };
    },

    /**
     * The garden's legal details; before it saves its own (version 0), what it registered for
     * its invoices (`registered`), the rest to complete.
     */
    async legalDetails(
      gardenId: string,
      registered: { name: string; address: string; siret: string } | undefined,
    ): Promise<PublisherLegalDetails> {
      return readLegalDetails(gardenId, registered);
    },

    async saveLegalDetails(
      gardenId: string,
      input: Omit<PublisherLegalDetails, 'version'>,
      expectedVersion: number,
      log?: ChangeLog,
    ): Promise<PublisherLegalDetails> {
      return writeLegalDetails(gardenId, input, expectedVersion, log);
    },

    /** The network's own legal details (the publisher of its pages); version 0, all empty, before any. */
    async networkLegalDetails(): Promise<PublisherLegalDetails> {
      return readLegalDetails(partitionOf(network), undefined);
    },

    async saveNetworkLegalDetails(
      input: Omit<PublisherLegalDetails, 'version'>,
      expectedVersion: number,
      log?: ChangeLog,
    ): Promise<PublisherLegalDetails> {
      return writeLegalDetails(partitionOf(network), input, expectedVersion, log);
    },
  };
}
export type PageStore = ReturnType<typeof createPageStore>;

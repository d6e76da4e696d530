import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CocagneError } from '../../domain/errors.ts';
import type { RetentionReport } from '../../domain/retention-sweep.ts';
import { withoutKeys } from './conditional.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { TableNames } from './dynamo-client.ts';

// The reports of a garden's retention sweeps live in the garden's partition of the gardens table:
//   pk = <gardenId>, sk = RETENTION#<ranAt>   one run's report (counts only, no personal data)
// The run's instant sorts them in time, so the latest come first when read backwards.

const prefix = 'RETENTION#';
const staleCursor = () =>
  new CocagneError('invalid_input', {
    fr: "Cette page n'existe plus : revenez à la première page.",
    en: 'This page no longer exists: go back to the first page.',
  });
const reportKey = (gardenId: string, ranAt: string) => ({ pk: gardenId, sk: `${prefix}${ranAt}` });

export interface RetentionReportPage {
  reports: RetentionReport[];
  nextCursor?: string;
}

/** What each nightly retention sweep of a garden did: written by its workflow, read by garden admins. */
export function createRetentionReportStore(db: DynamoDBDocumentClient, tables: TableNames) {
  const table = tables.gardens;
  return {
    /** Keeps a run's report; the same run writing again (a retried activity) replaces it. */
    async save(report: RetentionReport): Promise<void> {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...reportKey(report.gardenId, report.ranAt), entity: 'retention-report', ...report },
        }),
      );
    },

    /** The garden's reports, latest first, a page at a time. */
    async list(
      gardenId: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<RetentionReportPage> {
      const start = decodeCursor(options.cursor, { name: 'pk', value: gardenId }, ['pk', 'sk']);
      // A key of another of the garden's lists would make DynamoDB answer an error of its own.
      if (start && !start.sk?.startsWith(prefix)) throw staleCursor();
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': gardenId, ':prefix': prefix },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
          // One more than asked tells whether another page exists.
          Limit: options.limit + 1,
        }),
      );
      const items = page.Items ?? [];
      const taken = items.slice(0, options.limit);
      const last = taken[taken.length - 1];
      const nextCursor =
        items.length > options.limit && last ? encodeCursor({ pk: last.pk, sk: last.sk }) : undefined;
      return {
        reports: taken.map((item) => withoutKeys<RetentionReport>(item)),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },

    /** The garden's latest report, if it has one. */
    async latest(gardenId: string): Promise<RetentionReport | undefined> {
      return (await this.list(gardenId, { limit: 1 })).reports[0];
    },
  };
}
export type RetentionReportStore = ReturnType<typeof createRetentionReportStore>;

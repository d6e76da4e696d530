import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Incident, IncidentReport } from '../../domain/incidents.ts';
import { withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

const prefix = 'INCIDENT#';

/**
 * The garden's open incidents, one item per incident key: a second report counts an
 * occurrence and keeps the first `since`; once solved, the item goes.
 */
export function createIncidentStore(db: DynamoDBDocumentClient, tables: TableNames) {
  return {
    /** Records a report; true when the incident is new (nobody has heard of it yet). */
    async report(report: IncidentReport, now: string): Promise<boolean> {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tables.gardens,
          Key: { pk: report.gardenId, sk: `${prefix}${report.key}` },
          UpdateExpression:
            'SET #entity = :entity, #kind = :kind, #key = :key, gardenId = :gardenId, workflowId = :workflowId, ' +
            '#subject = :subject, summary = :summary, #cause = :cause, retriesByItself = :retries, ' +
            '#since = if_not_exists(#since, :now), lastSeenAt = :now ADD occurrences :one',
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#kind': 'kind',
            '#key': 'key',
            '#subject': 'subject',
            '#cause': 'cause',
            '#since': 'since',
          },
          ExpressionAttributeValues: {
            ':entity': 'incident',
            ':kind': report.kind,
            ':key': report.key,
            ':gardenId': report.gardenId,
            ':workflowId': report.workflowId ?? null,
            ':subject': report.subject,
            ':summary': report.summary,
            // Causes can be long stack-laden texts: the item stays small.
            ':cause': report.cause.slice(0, 2_000),
            ':retries': report.retriesByItself,
            ':now': now,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Number(Attributes?.occurrences ?? 1) === 1;
    },

    async resolve(gardenId: string, key: string): Promise<void> {
      await db.send(
        new DeleteCommand({ TableName: tables.gardens, Key: { pk: gardenId, sk: `${prefix}${key}` } }),
      );
    },

    /** Open incidents, oldest first. */
    async list(gardenId: string): Promise<Incident[]> {
      const items = await queryPrefix(db, tables.gardens, gardenId, prefix);
      const incidents = items.map((item): Incident => {
        const { workflowId, ...rest } = withoutKeys<Incident & { workflowId: string | null }>(item);
        return { ...rest, ...(workflowId ? { workflowId } : {}) };
      });
      return incidents.sort((a, b) => a.since.localeCompare(b.since));
    },
  };
}
export type IncidentStore = ReturnType<typeof createIncidentStore>;

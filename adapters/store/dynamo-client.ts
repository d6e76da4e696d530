import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsRequestHandler, dynamoRequestTimeoutMs } from '../aws-calls.ts';

export interface DynamoConfig {
  region: string;
  /** Set for DynamoDB Local; unset on AWS. */
  endpoint?: string | undefined;
  /** Prefix of table names, so several environments can share an account. */
  tablePrefix: string;
  /** Each try's deadline for an answer; `dynamoRequestTimeoutMs` unless told (tests). */
  requestTimeoutMs?: number;
}

export interface TableNames {
  /** Network-wide data: the garden registry and garden settings. */
  control: string;
  /** Each garden's own data, partitioned by garden id so a garden can be exported or deleted whole. */
  gardens: string;
}

export function tableNames(prefix: string): TableNames {
  return { control: `${prefix}-control`, gardens: `${prefix}-gardens` };
}

export function createDocumentClient(config: DynamoConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    requestHandler: awsRequestHandler(config.requestTimeoutMs ?? dynamoRequestTimeoutMs),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

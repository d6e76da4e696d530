import { ArnFormat, type Stack } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import { customMetricNames } from '../../adapters/metrics/metric-names.ts';
import { resourceNames, stageTables } from './names.ts';
import type { StageSettings } from './stages.ts';

/**
 * What each workload may do with the application's data, action by action (no `dynamodb:*`,
 * no `s3:*`): resources are named from the stage, so the cluster stack needs no reference to
 * the data and storage stacks.
 */
export function dataResources(stack: Stack, stage: StageSettings) {
  const names = resourceNames(stage);
  const tables = stageTables(stage).map(({ tableName: table }) =>
    stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: table }),
  );
  return {
    tables,
    tablesAndIndexes: [...tables, ...tables.map((table) => `${table}/index/*`)],
    documentsBucket: `arn:aws:s3:::${names.documentsBucket}`,
    documentsObjects: `arn:aws:s3:::${names.documentsBucket}/*`,
    temporalApiKey: stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${names.temporalApiKeySecret}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    mailIdentity: stack.formatArn({ service: 'ses', resource: 'identity', resourceName: stage.domains.mail }),
    mailConfigurationSet: stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: names.sesConfigurationSet,
    }),
  };
}

const readItems = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const writeItems = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * The API: reads and writes records, reads and writes documents, sends mail and SMS, reads the
 * Temporal Cloud API key, publishes the extensions' metrics.
 */
export function apiPolicy(stack: Stack, stage: StageSettings): iam.PolicyDocument {
  const data = dataResources(stack, stage);
  return new iam.PolicyDocument({
    statements: [
      records(data),
      new iam.PolicyStatement({
        sid: 'Documents',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [data.documentsObjects],
      }),
      // The journals list a process's archived runs (adapters/store/history-archive.ts), and
      // nothing else of the bucket.
      new iam.PolicyStatement({
        sid: 'HistoryArchiveList',
        actions: ['s3:ListBucket'],
        resources: [data.documentsBucket],
        conditions: { StringLike: { 's3:prefix': ['history-archive/*'] } },
      }),
      // A garden's (or the network's) administrators list the images of their pages and delete
      // one for good (a photo whose consent was withdrawn): every version, under page-images/.
      new iam.PolicyStatement({
        sid: 'PageImagesList',
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [data.documentsBucket],
        conditions: { StringLike: { 's3:prefix': ['*/page-images/*'] } },
      }),
      new iam.PolicyStatement({
        sid: 'PageImagesDelete',
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [`${data.documentsBucket}/*/page-images/*`],
      }),
      ...messaging(data),
      secret(data),
      metrics(),
    ],
  });
}

/**
 * The workers (the shared one on the `network` queue, which provisions and retires gardens,
 * and each garden's): the API's rights, plus what provisioning and retirement need, listing
 * and deleting a garden's documents under its prefix and scanning nothing.
 */
export function workerPolicy(stack: Stack, stage: StageSettings): iam.PolicyDocument {
  const data = dataResources(stack, stage);
  return new iam.PolicyDocument({
    statements: [
      records(data),
      // A member's erasure deletes the earlier versions of what named them, and the archived
      // histories of their processes with every version (ListObjectVersions, DeleteObjects with
      // version ids); the retention sweep, the earlier versions of what it deletes.
      new iam.PolicyStatement({
        sid: 'Documents',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [data.documentsObjects],
      }),
      new iam.PolicyStatement({
        sid: 'DocumentsList',
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [data.documentsBucket],
      }),
      ...messaging(data),
      secret(data),
      metrics(),
    ],
  });
}

/** Flagger's release checks: read the gardens' extensions to run their self-tests. */
export function releaseChecksPolicy(stack: Stack, stage: StageSettings): iam.PolicyDocument {
  const data = dataResources(stack, stage);
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'Records', actions: readItems, resources: data.tablesAndIndexes }),
      new iam.PolicyStatement({
        sid: 'Documents',
        actions: ['s3:GetObject'],
        resources: [data.documentsObjects],
      }),
    ],
  });
}

/** External Secrets: reads the stage's secrets (`<prefix>/…`) into Kubernetes Secrets. */
export function externalSecretsPolicy(stack: Stack, stage: StageSettings): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'StageSecrets',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [
          stack.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${resourceNames(stage).prefix}/*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    ],
  });
}

/** Reads and writes records (transactions are made of these item actions). */
function records(data: ReturnType<typeof dataResources>): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'Records',
    actions: [...readItems, ...writeItems],
    resources: data.tablesAndIndexes,
  });
}

/**
 * The custom metrics (adapters/metrics): PutMetricData has no resource to name, so the
 * condition keeps it to the application's own namespaces.
 */
function metrics(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'Metrics',
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'cloudwatch:namespace': [
          customMetricNames.temporal.namespace,
          customMetricNames.extensions.namespace,
          customMetricNames.gardens.namespace,
        ],
      },
    },
  });
}

function messaging(data: ReturnType<typeof dataResources>): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'Mail',
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [data.mailIdentity, data.mailConfigurationSet],
    }),
    // An SMS to a phone number has no ARN to name: SNS documents `*` for it.
    new iam.PolicyStatement({ sid: 'Sms', actions: ['sns:Publish'], resources: ['*'] }),
  ];
}

function secret(data: ReturnType<typeof dataResources>): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'TemporalApiKey',
    actions: ['secretsmanager:GetSecretValue'],
    resources: [data.temporalApiKey],
  });
}

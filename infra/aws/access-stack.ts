import { Stack, type StackProps } from 'aws-cdk-lib/core';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import type { StageSettings } from './stages.ts';
import { dataResources } from './workload-policies.ts';

export interface AccessStackProps extends StackProps {
  /** The cluster stack's roles, which the groups' members take (EKS access entries name roles). */
  operatorRoleArn: string;
  viewerRoleArn: string;
}

/**
 * The network's managers in IAM: two groups, people added to them by hand (or by the identity
 * centre). Read-only managers see the account (AWS's ViewOnlyAccess: lists and descriptions,
 * never a record or a document) and the cluster; operators also restore tables and documents,
 * and administer the cluster, action by action, never `*` on data.
 * And the monthly cost budget, so that no more machines run than the stage planned.
 */
export class AccessStack extends Stack {
  constructor(scope: Construct, id: string, stage: StageSettings, props: AccessStackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);
    const data = dataResources(this, stage);
    const viewOnly = [
      iam.ManagedPolicy.fromAwsManagedPolicyName('job-function/ViewOnlyAccess'),
      iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess'),
    ];

    const readers = new iam.Group(this, 'ReadOnlyManagers', {
      groupName: `${names.prefix}-managers-read-only`,
      managedPolicies: viewOnly,
    });
    readers.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ViewCluster',
        actions: ['sts:AssumeRole'],
        resources: [props.viewerRoleArn],
      }),
    );

    const operators = new iam.Group(this, 'Operators', {
      groupName: `${names.prefix}-operators`,
      managedPolicies: viewOnly,
    });
    const operatorPolicy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      managedPolicyName: `${names.prefix}-operators`,
      statements: [
        new iam.PolicyStatement({
          sid: 'Cluster',
          actions: ['sts:AssumeRole'],
          resources: [props.operatorRoleArn, props.viewerRoleArn],
        }),
        new iam.PolicyStatement({
          sid: 'RestoreTables',
          // Copying a garden's items back from a restored table (README, "Restore DynamoDB")
          // writes item by item into the live tables.
          actions: [
            'dynamodb:DescribeTable',
            'dynamodb:DescribeContinuousBackups',
            'dynamodb:DescribeTimeToLive',
            'dynamodb:RestoreTableToPointInTime',
            'dynamodb:Query',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:BatchWriteItem',
          ],
          resources: data.tables,
        }),
        new iam.PolicyStatement({
          sid: 'RestoredTables',
          // A restore makes new tables under the prefix <stage prefix>-restored-<when>, which
          // the operator checks, copies from, or points the application at; a restore needs
          // these item actions on its target too.
          actions: [
            'dynamodb:DescribeTable',
            'dynamodb:Scan',
            'dynamodb:Query',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:UpdateTable',
            'dynamodb:UpdateTimeToLive',
            'dynamodb:UpdateContinuousBackups',
            'dynamodb:DeleteTable',
          ],
          resources: [
            this.formatArn({
              service: 'dynamodb',
              resource: 'table',
              resourceName: `${names.prefix}-restored-*`,
            }),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'RestoreDocuments',
          actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketVersioning'],
          resources: [data.documentsBucket],
        }),
        new iam.PolicyStatement({
          sid: 'RestoreDocumentVersions',
          // An old version comes back by copying it over the current one (a new version).
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:RestoreObject'],
          resources: [data.documentsObjects],
        }),
        new iam.PolicyStatement({
          sid: 'ExportTables',
          // A garden restored from its S3 copy (README, "Restore a garden from its S3 copy"):
          // each table exported from point-in-time recovery into the replica bucket's `restore/`.
          actions: ['dynamodb:ExportTableToPointInTime'],
          resources: data.tables,
        }),
        new iam.PolicyStatement({
          sid: 'TableExports',
          actions: ['dynamodb:DescribeExport'],
          resources: data.tables.map((table) => `${table}/export/*`),
        }),
        new iam.PolicyStatement({
          sid: 'ExportObjects',
          actions: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectAcl', 's3:GetObject'],
          resources: [`${names.documentsReplicaBucketArn}/restore/*`],
        }),
        new iam.PolicyStatement({
          sid: 'BackupVaults',
          actions: ['backup:ListRecoveryPointsByBackupVault'],
          resources: [`arn:aws:backup:*:${stage.account}:backup-vault:${names.prefix}-*`],
        }),
        new iam.PolicyStatement({
          sid: 'RecoveryPoints',
          // A table's recovery point has AWS Backup's ARN or a DynamoDB backup's, of any
          // service: IAM's format for it matches no narrower pattern (cfn-lint I3510 says so).
          actions: [
            'backup:DescribeRecoveryPoint',
            'backup:GetRecoveryPointRestoreMetadata',
            'backup:StartRestoreJob',
            'backup:StartCopyJob',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'BackupJobs',
          // Jobs have no ARN to name before they exist.
          actions: ['backup:DescribeRestoreJob', 'backup:DescribeCopyJob'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'BackupRole',
          actions: ['iam:PassRole'],
          resources: [`arn:aws:iam::${stage.account}:role/${names.backupRole}`],
          conditions: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
        }),
        new iam.PolicyStatement({
          sid: 'RotateTemporalKey',
          actions: ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [data.temporalApiKey],
        }),
      ],
    });
    operators.addManagedPolicy(operatorPolicy);

    new budgets.CfnBudget(this, 'MonthlyBudget', {
      budget: {
        budgetName: `${names.prefix}-monthly`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: stage.budget.monthlyUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: [
        {
          notification: {
            notificationType: 'ACTUAL',
            comparisonOperator: 'GREATER_THAN',
            threshold: stage.budget.warnAtPercent,
            thresholdType: 'PERCENTAGE',
          },
          subscribers: [{ subscriptionType: 'EMAIL', address: stage.alarmEmail }],
        },
        {
          notification: {
            notificationType: 'FORECASTED',
            comparisonOperator: 'GREATER_THAN',
            threshold: 100,
            thresholdType: 'PERCENTAGE',
          },
          subscribers: [{ subscriptionType: 'EMAIL', address: stage.alarmEmail }],
        },
      ],
    });
  }
}

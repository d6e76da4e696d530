import {
  CfnDeletionPolicy,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { tableNames, type TableNames } from '../../adapters/store/dynamo-client.ts';
import { expiringTables, expiryAttribute, tableDefinitions } from '../../adapters/store/tables.ts';
import { resourceNames, stageTables } from './names.ts';
import type { StageSettings } from './stages.ts';

/**
 * The DynamoDB tables, made from the very definitions the application creates locally
 * (`tableDefinitions` in adapters/store/tables.ts): on demand, point-in-time recovery,
 * deletion protection, encrypted, items expiring by `expiresAt` where the application expects
 * it. AWS Backup takes a daily recovery point and copies it to the disaster-recovery region.
 */
export class DataStack extends Stack {
  readonly tableNames: TableNames;
  readonly tableArns: string[];

  constructor(scope: Construct, id: string, stage: StageSettings, props: StackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);
    this.tableNames = tableNames(names.prefix);
    const expiring = new Set(expiringTables(this.tableNames));

    const tables = tableDefinitions(this.tableNames).map((definition) => {
      const table = new dynamodb.CfnTable(this, logicalName(definition), {
        ...cloudFormationTable(definition),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtectionEnabled: true,
        // KMS with the AWS managed key (aws/dynamodb): audit in CloudTrail, no key to rotate.
        sseSpecification: { sseEnabled: true, sseType: 'KMS' },
        ...(expiring.has(definition.TableName ?? '')
          ? { timeToLiveSpecification: { attributeName: expiryAttribute, enabled: true } }
          : {}),
      });
      // Deleting the stack must never delete a garden's data.
      table.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
      table.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
      return table;
    });
    this.tableArns = tables.map((table) => table.attrArn);

    const vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: names.backupVault,
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const offSite = backup.BackupVault.fromBackupVaultArn(
      this,
      'DisasterRecoveryVault',
      names.disasterRecoveryVaultArn,
    );
    const plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `${names.prefix}-tables`,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily-with-off-site-copy',
          backupVault: vault,
          // 03:00 UTC, after the night's schedules (week generation, billing on the 1st).
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: '3' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(4),
          deleteAfter: Duration.days(35),
          copyActions: [{ destinationBackupVault: offSite, deleteAfter: Duration.days(35) }],
        }),
        new backup.BackupPlanRule({
          ruleName: 'monthly-kept-a-year',
          backupVault: vault,
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: '4', day: '1' }),
          moveToColdStorageAfter: Duration.days(30),
          deleteAfter: Duration.days(365),
          copyActions: [
            {
              destinationBackupVault: offSite,
              moveToColdStorageAfter: Duration.days(30),
              deleteAfter: Duration.days(365),
            },
          ],
        }),
      ],
    });
    // Named, so that operators may pass it to a restore job (access stack).
    const backupRole = new iam.Role(this, 'BackupRole', {
      roleName: names.backupRole,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    });
    plan.addSelection('Tables', {
      resources: this.tableArns.map((arn) => backup.BackupResource.fromArn(arn)),
      role: backupRole,
      allowRestores: true,
    });

    for (const { purpose, tableName } of stageTables(stage)) {
      new CfnOutput(this, `Table-${purpose}`, {
        value: tableName,
        description: `DynamoDB table (${purpose})`,
      });
    }
    new CfnOutput(this, 'TablePrefix', {
      value: names.prefix,
      description: 'DYNAMODB_TABLE_PREFIX of the API and the workers',
    });
  }
}

/** `control` → `ControlTable`: logical ids that stay put when a prefix changes. */
function logicalName(definition: CreateTableCommandInput): string {
  const suffix = (definition.TableName ?? '').split('-').pop() ?? 'table';
  return `${suffix.charAt(0).toUpperCase()}${suffix.slice(1)}Table`;
}

/** The SDK's CreateTable input, field for field, as CloudFormation's AWS::DynamoDB::Table. */
export function cloudFormationTable(definition: CreateTableCommandInput): dynamodb.CfnTableProps {
  const keySchema = (schema: CreateTableCommandInput['KeySchema']) =>
    (schema ?? []).map((key) => ({ attributeName: key.AttributeName ?? '', keyType: key.KeyType ?? '' }));
  return {
    tableName: definition.TableName,
    billingMode: definition.BillingMode,
    attributeDefinitions: (definition.AttributeDefinitions ?? []).map((attribute) => ({
      attributeName: attribute.AttributeName ?? '',
      attributeType: attribute.AttributeType ?? '',
    })),
    keySchema: keySchema(definition.KeySchema),
    ...(definition.GlobalSecondaryIndexes?.length
      ? {
          globalSecondaryIndexes: definition.GlobalSecondaryIndexes.map((index) => ({
            indexName: index.IndexName ?? '',
            keySchema: keySchema(index.KeySchema),
            projection: {
              projectionType: index.Projection?.ProjectionType,
              ...(index.Projection?.NonKeyAttributes
                ? { nonKeyAttributes: index.Projection.NonKeyAttributes }
                : {}),
            },
          })),
        }
      : {}),
  };
}

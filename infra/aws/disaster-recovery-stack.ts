import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { privateBucket, replicaOldVersionsExpire } from './buckets.ts';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import type { StageSettings } from './stages.ts';

/**
 * The off-site copies, in the disaster-recovery region: the vault AWS Backup copies the tables'
 * recovery points to, and the bucket the documents replicate to. Deployed first: the primary
 * region's stacks name these by ARN.
 */
export class DisasterRecoveryStack extends Stack {
  constructor(scope: Construct, id: string, stage: StageSettings, props: StackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);

    new backup.BackupVault(this, 'Vault', {
      backupVaultName: names.disasterRecoveryVault,
      // Recovery points are the last resort: nobody deletes them by hand, only their lifecycle.
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    new s3.Bucket(this, 'DocumentsReplica', {
      bucketName: names.documentsReplicaBucket,
      ...privateBucket,
      lifecycleRules: [
        replicaOldVersionsExpire(stage),
        { id: 'unfinished-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }
}

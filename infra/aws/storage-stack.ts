import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { oldVersionsToColdStorage, privateBucket } from './buckets.ts';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import type { StageSettings } from './stages.ts';

/**
 * The documents bucket (`S3_BUCKET`: depot sheets, harvest lists, invoices, extension modules,
 * exports, each garden under its own prefix). "Data is never lost": every version is kept,
 * old versions go to Glacier then Deep Archive rather than being deleted, and every write is
 * replicated within 15 minutes (S3 Replication Time Control) to a bucket in the
 * disaster-recovery region, deletions included as delete markers (the replica keeps the versions).
 */
export class StorageStack extends Stack {
  readonly documents: s3.Bucket;

  constructor(scope: Construct, id: string, stage: StageSettings, props: StackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);
    const replica = s3.Bucket.fromBucketAttributes(this, 'DocumentsReplica', {
      bucketArn: names.documentsReplicaBucketArn,
      region: stage.disasterRecoveryRegion,
    });

    this.documents = new s3.Bucket(this, 'Documents', {
      bucketName: names.documentsBucket,
      ...privateBucket,
      lifecycleRules: [
        oldVersionsToColdStorage(stage),
        {
          // Whatever is archived (a retired garden's export and invoices, kept ten years for
          // the accounts) is moved under archives/<garden>/ and read rarely, if ever. Not the
          // closed workflow histories (history-archive/, activities/history-archive.ts): the
          // journals read them at once, so they stay in S3 Standard (1 to 30 KB each, too small
          // for Standard-IA to cost less).
          id: 'archives-to-glacier',
          prefix: 'archives/',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
          ],
        },
        { id: 'unfinished-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      replicationRules: [
        {
          id: 'off-site-copy',
          destination: replica,
          priority: 1,
          deleteMarkerReplication: true,
          replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
        },
      ],
    });

    new CfnOutput(this, 'DocumentsBucket', {
      value: this.documents.bucketName,
      description: 'S3_BUCKET of the API and the workers',
    });
  }
}

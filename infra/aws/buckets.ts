import { Duration, RemovalPolicy } from 'aws-cdk-lib/core';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { StageSettings } from './stages.ts';

/** What every bucket of the app is: versioned, encrypted, private, TLS only, kept when its stack goes. */
export const privateBucket = {
  versioned: true,
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies s3.BucketProps;

/** The documents' old versions to Glacier, then Deep Archive; never expired. */
export function oldVersionsToColdStorage(stage: StageSettings): s3.LifecycleRule {
  return {
    id: 'old-versions-to-glacier',
    noncurrentVersionTransitions: [
      {
        storageClass: s3.StorageClass.GLACIER,
        transitionAfter: Duration.days(stage.documents.noncurrentToGlacierDays),
      },
      {
        storageClass: s3.StorageClass.DEEP_ARCHIVE,
        transitionAfter: Duration.days(stage.documents.noncurrentToDeepArchiveDays),
      },
    ],
  };
}

/**
 * The off-site replica's old versions expire after `replicaOldVersionsDays`, in S3 Standard (no
 * transition: Glacier bills 90 days at least). The primary bucket keeps every version; the
 * replica answers the loss of the region, with the current versions, and the old ones of the
 * last days. An erasure deletes a member's versions in the primary only (a version's deletion is
 * not replicated): this rule is what removes them from the replica. Delete markers left alone
 * once their versions have expired go too.
 */
export function replicaOldVersionsExpire(stage: StageSettings): s3.LifecycleRule {
  return {
    id: 'replica-old-versions-expire',
    noncurrentVersionExpiration: Duration.days(stage.documents.replicaOldVersionsDays),
    expiredObjectDeleteMarker: true,
  };
}

import { tableNames } from '../../adapters/store/dynamo-client.ts';
import { stagePrefix, type StageSettings } from './stages.ts';

/** The application's tables of a stage (DYNAMODB_TABLE_PREFIX is the stage prefix), by purpose. */
export function stageTables(stage: StageSettings): { purpose: 'control' | 'gardens'; tableName: string }[] {
  const names = tableNames(stagePrefix(stage));
  return [
    { purpose: 'control', tableName: names.control },
    { purpose: 'gardens', tableName: names.gardens },
  ];
}

/**
 * Names the stacks share without a cross-stack reference: resources in another region (the
 * disaster-recovery vault and bucket) are named from the stage so that the primary region's
 * stacks can point at them by ARN.
 */
export function resourceNames(stage: StageSettings) {
  const prefix = stagePrefix(stage);
  return {
    prefix,
    clusterName: prefix,
    documentsBucket: `${prefix}-documents-${stage.account}`,
    documentsReplicaBucket: `${prefix}-documents-replica-${stage.account}`,
    backupVault: `${prefix}-backups`,
    disasterRecoveryVault: `${prefix}-backups-dr`,
    /** The role AWS Backup takes to back up and restore the tables. */
    backupRole: `${prefix}-backup`,
    disasterRecoveryVaultArn: `arn:aws:backup:${stage.disasterRecoveryRegion}:${stage.account}:backup-vault:${prefix}-backups-dr`,
    documentsReplicaBucketArn: `arn:aws:s3:::${prefix}-documents-replica-${stage.account}`,
    sesConfigurationSet: `${prefix}-mail`,
    temporalApiKeySecret: `${prefix}/temporal-api-key`,
    /**
     * The keys sealing workflow payloads (temporal/payload-codec.ts): JSON with
     * TEMPORAL_PAYLOAD_KEYS and TEMPORAL_PAYLOAD_KEY_ID, replicated to the recovery region (the
     * archived histories stay sealed with them).
     */
    temporalPayloadKeysSecret: `${prefix}/temporal-payload-keys`,
    /** The header's value CloudFront sends the ALB and the ALB's web ACL requires (edge stack). */
    originVerifySecret: `${prefix}/origin-verify`,
    /** What External Secrets copies into the cluster (infra/k8s/base/external-secrets.yaml), each a JSON object. */
    clusterSecrets: {
      application: `${prefix}/application`,
      nexusPull: `${prefix}/nexus-pull`,
      fluxNotifications: `${prefix}/flux-notifications`,
    },
  };
}

/**
 * The cfn-lint findings on the synthesized templates that are accepted, each with why. The
 * test (synth.test.ts) fails on any other finding, and on a waiver that no longer matches
 * anything, so the list cannot outlive its reason.
 */
export interface CfnLintWaiver {
  rule: string;
  /** The logical id of the resource the finding is about starts with this. */
  resourcePrefix: string;
  reason: string;
}

export const cfnLintWaivers: readonly CfnLintWaiver[] = [
  {
    rule: 'W3005',
    resourcePrefix: 'CustomCrossRegionExport',
    reason:
      "CDK's own provider for cross-region references (CloudFront's web ACL ARN from us-east-1) " +
      'writes a DependsOn its GetAtt already implies: redundant, harmless, and not ours to change.',
  },
  {
    rule: 'W3005',
    resourcePrefix: 'AWSCDKCfnUtilsProvider',
    reason:
      "The same in CDK's own provider behind CfnJson (the gardens' IRSA trust policy, whose keys " +
      "hold the cluster's OIDC issuer): redundant, harmless, and not ours to change.",
  },
];

import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * A web ACL with AWS's managed rule groups and a rate-based rule. CLOUDFRONT scope sees the
 * client's own address; REGIONAL scope (on the ALB, behind CloudFront) sees CloudFront's, so
 * its rate rule counts by the first address of X-Forwarded-For instead (which a client can
 * forge: CloudFront's own ACL is the one that limits by true address).
 */
export function webAcl(
  scope: Construct,
  id: string,
  settings: { name: string; scope: 'CLOUDFRONT' | 'REGIONAL'; rateLimitPerFiveMinutes: number },
): wafv2.CfnWebACL {
  const visibility = (metricName: string) => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
  });
  const managed = (
    priority: number,
    name: string,
    overrides: wafv2.CfnWebACL.RuleActionOverrideProperty[] = [],
  ) => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(overrides.length ? { ruleActionOverrides: overrides } : {}),
      },
    },
    visibilityConfig: visibility(name),
  });
  return new wafv2.CfnWebACL(scope, id, {
    name: settings.name,
    scope: settings.scope,
    defaultAction: { allow: {} },
    visibilityConfig: visibility(settings.name),
    rules: [
      {
        name: 'rate-per-address',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: settings.rateLimitPerFiveMinutes,
            evaluationWindowSec: 300,
            ...(settings.scope === 'CLOUDFRONT'
              ? { aggregateKeyType: 'IP' }
              : {
                  aggregateKeyType: 'FORWARDED_IP',
                  forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
                }),
          },
        },
        visibilityConfig: visibility('rate-per-address'),
      },
      managed(1, 'AWSManagedRulesAmazonIpReputationList'),
      // Extension modules (WASM) and imports are uploaded as bodies over the group's 8 KB:
      // that one rule only counts; the API checks sizes itself (Fastify's body limit).
      managed(2, 'AWSManagedRulesCommonRuleSet', [
        { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
      ]),
      managed(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      managed(4, 'AWSManagedRulesSQLiRuleSet'),
    ],
  });
}

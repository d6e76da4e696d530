import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * A web ACL with AWS's managed rule groups and a rate-based rule. CLOUDFRONT scope sees the
 * client's own address and blocks by it; REGIONAL scope (on the ALB, behind CloudFront) sees
 * CloudFront's, so its rate rule keys on the first address of X-Forwarded-For, which a client
 * can write, and only counts; it first blocks whatever does not come through CloudFront
 * (`requiredHeader`).
 */
export function webAcl(
  scope: Construct,
  id: string,
  settings: {
    name: string;
    scope: 'CLOUDFRONT' | 'REGIONAL';
    rateLimitPerFiveMinutes: number;
    /**
     * A header every request must carry with this value, or be blocked first: the ALB's ACL
     * requires the one only CloudFront sends (the origin's secret), so nothing reaches the ALB
     * around CloudFront's ACL, nor writes the X-Forwarded-For the API reads.
     */
    requiredHeader?: { name: string; value: string };
  },
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
      ...(settings.requiredHeader
        ? [
            {
              name: 'from-cloudfront-only',
              priority: 0,
              action: { block: {} },
              statement: {
                notStatement: {
                  statement: {
                    byteMatchStatement: {
                      fieldToMatch: { singleHeader: { Name: settings.requiredHeader.name.toLowerCase() } },
                      positionalConstraint: 'EXACTLY',
                      searchString: settings.requiredHeader.value,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
              visibilityConfig: visibility('from-cloudfront-only'),
            },
          ]
        : []),
      {
        name: 'rate-per-address',
        priority: 1,
        // Behind CloudFront the first X-Forwarded-For address is the client's to write: blocking
        // on it would let anyone lock a victim's address out. The ALB's counts (a metric to
        // watch); CloudFront's ACL, which sees true addresses, blocks.
        action: settings.scope === 'CLOUDFRONT' ? { block: {} } : { count: {} },
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
      managed(2, 'AWSManagedRulesAmazonIpReputationList'),
      // Extension modules (WASM) and imports are uploaded as bodies over the group's 8 KB:
      // that one rule only counts; the API checks sizes itself (Fastify's body limit).
      managed(3, 'AWSManagedRulesCommonRuleSet', [
        { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
      ]),
      managed(4, 'AWSManagedRulesKnownBadInputsRuleSet'),
      managed(5, 'AWSManagedRulesSQLiRuleSet'),
    ],
  });
}

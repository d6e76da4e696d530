import { Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import type { StageSettings } from './stages.ts';
import { webAcl } from './web-acl.ts';

/** CloudFront's web ACL: a CLOUDFRONT-scope ACL must live in us-east-1, hence its own stack. */
export class GlobalWebAclStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, stage: StageSettings, props: StackProps) {
    super(scope, id, props);
    const acl = webAcl(this, 'WebAcl', {
      name: `${resourceNames(stage).prefix}-cloudfront`,
      scope: 'CLOUDFRONT',
      rateLimitPerFiveMinutes: stage.edge.rateLimitPerFiveMinutes,
    });
    this.webAclArn = acl.attrArn;
  }
}

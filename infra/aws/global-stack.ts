import { Stack, type StackProps } from 'aws-cdk-lib/core';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import type { StageSettings } from './stages.ts';
import { webAcl } from './web-acl.ts';

export interface GlobalStackProps extends StackProps {
  /** The stage's zone (a cross-region reference to the DNS stack), for the certificate's validation. */
  hostedZoneId: string;
}

/**
 * What CloudFront takes from us-east-1 only: its web ACL (CLOUDFRONT scope) and the web
 * domain's certificate, validated by DNS in the stage's zone. (The gardens' own host names
 * bring certificates requested beforehand: stages.ts, `gardenHosts`.)
 */
export class GlobalStack extends Stack {
  readonly webAclArn: string;
  readonly webCertificateArn: string;

  constructor(scope: Construct, id: string, stage: StageSettings, props: GlobalStackProps) {
    super(scope, id, props);
    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: stage.dns.zoneName,
    });
    this.webCertificateArn = new acm.Certificate(this, 'WebCertificate', {
      domainName: stage.domains.web,
      validation: acm.CertificateValidation.fromDns(zone),
    }).certificateArn;
    const acl = webAcl(this, 'WebAcl', {
      name: `${resourceNames(stage).prefix}-cloudfront`,
      scope: 'CLOUDFRONT',
      rateLimitPerFiveMinutes: stage.edge.rateLimitPerFiveMinutes,
    });
    this.webAclArn = acl.attrArn;
  }
}

import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { StageSettings } from './stages.ts';

/**
 * The stage's Route 53 hosted zone: the web domain's alias to CloudFront, the certificates'
 * validation records, SES's DKIM and MAIL FROM records (all made by the stacks that need them),
 * and the API's origin name (made by ExternalDNS, which may change this zone only). The zone's
 * name servers are an output, to delegate the domain to (README, "First deployment").
 */
export class DnsStack extends Stack {
  readonly zone: route53.PublicHostedZone;

  constructor(scope: Construct, id: string, stage: StageSettings, props: StackProps) {
    super(scope, id, props);
    this.zone = new route53.PublicHostedZone(this, 'Zone', {
      zoneName: stage.dns.zoneName,
      comment: `Cocagne ${stage.name}`,
    });
    new CfnOutput(this, 'HostedZoneId', { value: this.zone.hostedZoneId });
    new CfnOutput(this, 'NameServers', {
      value: Fn.join(', ', this.zone.hostedZoneNameServers ?? []),
      description: `the NS records to delegate ${stage.dns.zoneName} to`,
    });
  }
}

import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import { gardenHostIds, type StageSettings } from './stages.ts';
import { webAcl } from './web-acl.ts';

/** The header CloudFront adds to every request to the ALB, with the origin's secret. */
export const originHeader = 'X-Cocagne-Origin';

export interface EdgeStackProps extends StackProps {
  /** CloudFront's web ACL and the web domain's certificate, from the us-east-1 stack (cross-region references). */
  cloudFrontWebAclArn: string;
  webCertificateArn: string;
  zone: route53.IPublicHostedZone;
}

/**
 * What the public reaches: CloudFront (the platform's name and each garden's own) in front of
 * the ALB the AWS Load Balancer Controller makes from the platform's Ingress, which serves the
 * web app's pods and the API (`/api/*`, never cached), with CloudFront's web ACL; and the ALB's
 * own (REGIONAL) web ACL, which blocks every request without the secret header CloudFront adds
 * (`X-Cocagne-Origin`, a generated secret of this stack), so nothing reaches the ALB around
 * CloudFront. The ALB does not exist when this stack is deployed, so its ACL is not associated
 * here: its ARN is an output, which the API Ingress names in its
 * `alb.ingress.kubernetes.io/wafv2-acl-arn` annotation, and the controller associates it.
 */
export class EdgeStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  /** A garden's own host name -> the distribution serving it. */
  readonly gardenDistributions = new Map<string, cloudfront.Distribution>();
  readonly regionalWebAclArn: string;

  constructor(scope: Construct, id: string, stage: StageSettings, props: EdgeStackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);

    // The value only CloudFront sends the ALB: generated here, resolved by CloudFormation into
    // the origin's header and the ALB's ACL (a dynamic reference: never in the template).
    const originSecret = new secretsmanager.Secret(this, 'OriginVerify', {
      secretName: names.originVerifySecret,
      description: `${originHeader} CloudFront sends the ALB, which its web ACL requires`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const originValue = originSecret.secretValue.unsafeUnwrap();
    const api = new origins.HttpOrigin(stage.domains.apiOrigin, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { [originHeader]: originValue },
    });
    const certificate = acm.Certificate.fromCertificateArn(this, 'WebCertificate', props.webCertificateArn);

    // The same behaviours for the platform's name and for each garden's own, both from the ALB
    // under apiOrigin (its Ingress sends /api and /docs to the API, every other path to the web
    // app's pods), behind CloudFront's web ACL. So what Flux and Flagger roll out is what
    // visitors get: the web pods' nginx says what may be cached (hashed assets for a year, pages
    // and other files revalidated), routes the app's pages to index.html and sends the security
    // headers (its CSP among them: no response headers policy here to override them). The ALB
    // admits CloudFront only (its ACL), so every request counts the same two proxies
    // (TRUST_PROXY_HOPS=2).
    const distributionProps = (
      domainName: string,
      domainCertificate: acm.ICertificate,
      comment: string,
    ): cloudfront.DistributionProps => ({
      comment,
      webAclId: props.cloudFrontWebAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      certificate: domainCertificate,
      domainNames: [domainName],
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      // The web app: cached as its Cache-Control says, keyed on the path alone (no cookie, no
      // query string: the app's files do not vary by either); the Host CloudFront sends is
      // apiOrigin's, as for the API.
      defaultBehavior: {
        origin: api,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
      },
      additionalBehaviors: {
        // Never cached: answers depend on the caller's token. The Host header becomes the
        // origin's (apiOrigin: the ALB's certificate and Ingress rule are for it); the
        // viewer's address comes in X-Forwarded-For (TRUST_PROXY_HOPS=2: CloudFront, then the ALB).
        '/api/*': {
          origin: api,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });

    this.distribution = new cloudfront.Distribution(
      this,
      'Distribution',
      distributionProps(stage.domains.web, certificate, `${names.prefix}: web app and API`),
    );
    // A garden's own host: a distribution of its own, with the certificate requested and
    // validated beforehand (stages.ts: nothing here waits on a garden's DNS). Its DNS is the
    // garden's: it points a CNAME at the distribution's domain name (an output).
    for (const { host, id, certificateArn } of gardenHostIds(stage)) {
      const distribution = new cloudfront.Distribution(
        this,
        `GardenDistribution${id}`,
        distributionProps(
          host,
          acm.Certificate.fromCertificateArn(this, `GardenCertificate${id}`, certificateArn),
          `${names.prefix}: ${host}`,
        ),
      );
      this.gardenDistributions.set(host, distribution);
      new CfnOutput(this, `GardenDistributionDomain${id}`, {
        value: distribution.distributionDomainName,
        description: `the CNAME target of ${host} (the garden's DNS)`,
      });
    }

    const alias = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'WebAlias', { zone: props.zone, recordName: stage.domains.web, target: alias });
    new route53.AaaaRecord(this, 'WebAliasIpv6', {
      zone: props.zone,
      recordName: stage.domains.web,
      target: alias,
    });

    // The ALB's certificate, for the API's origin name (the Ingress's certificate-arn).
    const apiOriginCertificate = new acm.Certificate(this, 'ApiOriginCertificate', {
      domainName: stage.domains.apiOrigin,
      validation: acm.CertificateValidation.fromDns(props.zone),
    });

    const regional = webAcl(this, 'RegionalWebAcl', {
      name: `${names.prefix}-alb`,
      scope: 'REGIONAL',
      rateLimitPerFiveMinutes: stage.edge.rateLimitPerFiveMinutes,
      requiredHeader: { name: originHeader, value: originValue },
    });
    this.regionalWebAclArn = regional.attrArn;

    new CfnOutput(this, 'DistributionDomain', {
      value: this.distribution.distributionDomainName,
      description: `what ${stage.domains.web} is an alias of`,
    });
    new CfnOutput(this, 'ApiOriginCertificateArn', {
      value: apiOriginCertificate.certificateArn,
      description: 'alb.ingress.kubernetes.io/certificate-arn of the API Ingress',
    });
    new CfnOutput(this, 'RegionalWebAclArn', {
      value: regional.attrArn,
      description: 'alb.ingress.kubernetes.io/wafv2-acl-arn of the API Ingress',
      exportName: `${names.prefix}-regional-web-acl-arn`,
    });
  }
}

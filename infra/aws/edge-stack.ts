import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { privateBucket } from './buckets.ts';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import { gardenHostIds, type StageSettings } from './stages.ts';
import { webAcl } from './web-acl.ts';

export interface EdgeStackProps extends StackProps {
  /** CloudFront's web ACL and the web domain's certificate, from the us-east-1 stack (cross-region references). */
  cloudFrontWebAclArn: string;
  webCertificateArn: string;
  /** A garden's own host name -> its certificate's ARN (us-east-1), from the same stack. */
  gardenCertificateArns: ReadonlyMap<string, string>;
  zone: route53.IPublicHostedZone;
}

/**
 * What the public reaches: CloudFront in front of the web app's static build (its own bucket,
 * read through Origin Access Control only) and of the API (`/api/*`, to the ALB the AWS Load
 * Balancer Controller makes from the API Ingress), with CloudFront's web ACL; and the ALB's
 * own (REGIONAL) web ACL. The ALB does not exist when this stack is deployed, so the ACL is not
 * associated here: its ARN is an output, which the API Ingress names in its
 * `alb.ingress.kubernetes.io/wafv2-acl-arn` annotation, and the controller associates it.
 *
 * The web bucket is here, not in the storage stack: OAC writes the distribution's ARN into the
 * bucket's policy, and the two in different stacks would reference each other.
 */
export class EdgeStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  /** A garden's own host name -> the distribution serving it. */
  readonly gardenDistributions = new Map<string, cloudfront.Distribution>();
  readonly regionalWebAclArn: string;

  constructor(scope: Construct, id: string, stage: StageSettings, props: EdgeStackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);

    const webBuild = new s3.Bucket(this, 'WebBuild', {
      bucketName: names.webBucket,
      // Each release uploads a new build; versions let a rollback restore the last one.
      ...privateBucket,
      lifecycleRules: [{ id: 'old-builds', noncurrentVersionExpiration: Duration.days(90) }],
    });

    const api = new origins.HttpOrigin(stage.domains.apiOrigin, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    const certificate = acm.Certificate.fromCertificateArn(this, 'WebCertificate', props.webCertificateArn);

    // The web app routes in the browser: a path without a file extension is index.html. Not
    // an error response (403 → index.html): those apply to /api/* as well.
    const appRoutes = new cloudfront.Function(this, 'AppRoutes', {
      functionName: `${names.prefix}-app-routes`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          "  if (!/\\.[a-z0-9]+$/i.test(request.uri)) request.uri = '/index.html';",
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    const webOrigin = origins.S3BucketOrigin.withOriginAccessControl(webBuild);
    // The same behaviours for the platform's name and for each garden's own: the web app from
    // the bucket, /api/* from the ALB under apiOrigin, behind CloudFront's web ACL. The ALB
    // admits CloudFront only, so every request counts the same two proxies (TRUST_PROXY_HOPS=2).
    const distributionProps = (
      domainName: string,
      domainCertificate: acm.ICertificate,
      comment: string,
    ): cloudfront.DistributionProps => ({
      comment,
      defaultRootObject: 'index.html',
      webAclId: props.cloudFrontWebAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      certificate: domainCertificate,
      domainNames: [domainName],
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: webOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
        functionAssociations: [
          { function: appRoutes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
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
    // A garden's own host: a distribution of its own (a certificate each, so that adding a
    // garden never reissues the platform's). Its DNS is the garden's: it points a CNAME at the
    // distribution's domain name (an output).
    for (const { host, id } of gardenHostIds(stage)) {
      const arn = props.gardenCertificateArns.get(host);
      if (!arn) throw new Error(`No certificate for the garden host ${host}`);
      const distribution = new cloudfront.Distribution(
        this,
        `GardenDistribution${id}`,
        distributionProps(
          host,
          acm.Certificate.fromCertificateArn(this, `GardenCertificate${id}`, arn),
          `${names.prefix}: ${host}`,
        ),
      );
      this.gardenDistributions.set(host, distribution);
      new CfnOutput(this, `GardenDistributionDomain${id}`, {
        value: distribution.distributionDomainName,
        description: `the CNAME target of ${host} (the garden's DNS)`,
      });
      new CfnOutput(this, `GardenDistributionId${id}`, {
        value: distribution.distributionId,
        description: `invalidated after each web release, like DistributionId (${host})`,
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
    });
    this.regionalWebAclArn = regional.attrArn;

    new CfnOutput(this, 'WebBucket', {
      value: webBuild.bucketName,
      description: 'where releases upload web/dist',
    });
    new CfnOutput(this, 'DistributionId', {
      value: this.distribution.distributionId,
      description: 'invalidated after each web release',
    });
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

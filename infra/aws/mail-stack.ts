import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { resourceNames } from './names.ts';
import type { StageSettings } from './stages.ts';

/**
 * Email through SES: the sending domain with Easy DKIM (its three CNAME records, and the MAIL
 * FROM domain's MX and SPF records, written in the stage's zone), and a configuration set that reports bounces, complaints, rejects and
 * delivery delays to an SNS topic (for whoever must act on an address) and to CloudWatch
 * (counted per configuration set; the monitoring stack alarms on SES's reputation rates).
 *
 * SMS go through SNS's SMS API, which has no CloudFormation resource for its account settings
 * (spend limit, default type, sender id): infra/aws/README.md gives the one command that sets
 * them from the stage's `smsMonthlySpendLimitUsd`.
 */
export interface MailStackProps extends StackProps {
  /** The stage's zone, named `domains.mail`: the identity writes its DKIM and MAIL FROM records there. */
  zone: route53.IPublicHostedZone;
}

export class MailStack extends Stack {
  readonly configurationSetName: string;

  constructor(scope: Construct, id: string, stage: StageSettings, props: MailStackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);

    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: names.sesConfigurationSet,
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetName = names.sesConfigurationSet;

    const identity = new ses.EmailIdentity(this, 'Domain', {
      identity: ses.Identity.publicHostedZone(props.zone),
      configurationSet,
      dkimSigning: true,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain: `bounce.${stage.domains.mail}`,
    });

    // Bounce notices hold members' addresses: the topic is encrypted with a key SES may use.
    const key = new kms.Key(this, 'MailEventsKey', {
      description: `${names.prefix}: SES events topic`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stage.account } },
      }),
    );
    const events = new sns.Topic(this, 'MailEvents', {
      topicName: `${names.prefix}-mail-events`,
      masterKey: key,
      enforceSSL: true,
    });
    const problems = [
      ses.EmailSendingEvent.BOUNCE,
      ses.EmailSendingEvent.COMPLAINT,
      ses.EmailSendingEvent.REJECT,
      ses.EmailSendingEvent.DELIVERY_DELAY,
    ];
    configurationSet.addEventDestination('ToTopic', {
      destination: ses.EventDestination.snsTopic(events),
      events: problems,
    });
    configurationSet.addEventDestination('ToCloudWatch', {
      destination: ses.EventDestination.cloudWatchDimensions([
        {
          name: 'ses:configuration-set',
          source: ses.CloudWatchDimensionSource.MESSAGE_TAG,
          defaultValue: names.sesConfigurationSet,
        },
      ]),
      events: [...problems, ses.EmailSendingEvent.SEND, ses.EmailSendingEvent.DELIVERY],
    });

    identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `DKIM record ${index + 1} of ${stage.domains.mail}, for its DNS zone`,
      });
    });
    new CfnOutput(this, 'ConfigurationSetName', { value: names.sesConfigurationSet });
    new CfnOutput(this, 'MailEventsTopic', { value: events.topicArn });
  }
}

import { randomInt, randomUUID } from 'node:crypto';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { testEnvironment } from './environment.ts';

/**
 * What the local moto server captured of the emails (SES) and SMS (SNS) sent to it. Other
 * tests send at the same time and moto is never reset: each test uses its own recipients
 * (`uniqueEmail`, `uniquePhone`) and looks only at what went to them.
 */

/** An email sent with SES v2 simple content. moto keeps the HTML body when there is one. */
export interface SentEmail {
  id: string;
  source: string;
  destinations: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  subject: string;
  body: string;
}

export interface SentSms {
  message_id: string;
  phone_number: string;
  message: string;
}

interface MotoData {
  ses?: { Message?: SentEmail[] };
  sns?: { SMS?: SentSms[] };
}

function motoUrl(): string {
  const url = testEnvironment().MOTO_URL;
  if (!url)
    throw new Error('MOTO_URL is not set: run the tests with `npm test`, which starts the local stack.');
  return url.replace(/\/+$/, '');
}

async function motoData(): Promise<MotoData> {
  const response = await fetch(`${motoUrl()}/moto-api/data.json`);
  if (!response.ok) throw new Error(`moto answered ${response.status} for its data`);
  return (await response.json()) as MotoData;
}

export async function sentEmails(): Promise<SentEmail[]> {
  return (await motoData()).ses?.Message ?? [];
}

export async function sentSms(): Promise<SentSms[]> {
  return (await motoData()).sns?.SMS ?? [];
}

export async function emailsTo(address: string): Promise<SentEmail[]> {
  const wanted = address.toLowerCase();
  return (await sentEmails()).filter((email) =>
    [
      ...(email.destinations.ToAddresses ?? []),
      ...(email.destinations.CcAddresses ?? []),
      ...(email.destinations.BccAddresses ?? []),
    ].some((to) => to.toLowerCase() === wanted),
  );
}

export async function smsTo(phoneNumber: string): Promise<SentSms[]> {
  return (await sentSms()).filter((sms) => sms.phone_number === phoneNumber);
}

/** An address no other test writes to. */
export function uniqueEmail(purpose: string): string {
  return `${purpose}-${randomUUID().slice(0, 12)}@example.org`;
}

/** A valid French mobile number in a range kept for tests (+33 6 39 9x xx xx), random among 100 000. */
export function uniquePhone(): string {
  return `+336399${String(randomInt(0, 100_000)).padStart(5, '0')}`;
}

export function sesClient(): SESv2Client {
  const env = testEnvironment();
  return new SESv2Client({ region: env.AWS_REGION, endpoint: env.SES_ENDPOINT });
}

export function snsClient(): SNSClient {
  const env = testEnvironment();
  return new SNSClient({ region: env.AWS_REGION, endpoint: env.SNS_ENDPOINT });
}

/** SES sends only from a verified identity; moto forgets them when it restarts. */
export async function ensureSenderIdentity(ses: SESv2Client, mailFrom: string): Promise<void> {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  try {
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: address }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'AlreadyExistsException')) throw error;
  }
}

/** The test environment's sender (MAIL_FROM), verified in moto before a test that sends mail. */
export async function ensureTestSender(): Promise<void> {
  const ses = sesClient();
  try {
    await ensureSenderIdentity(ses, testEnvironment().MAIL_FROM ?? '');
  } finally {
    ses.destroy();
  }
}

/** What moto's CloudWatch holds of one metric over the last hour, as one period (none: no data). */
export interface MetricSummary {
  samples: number;
  sum: number;
  maximum: number;
  unit: string | undefined;
}

/**
 * The statistics of a metric over the last hour, for the datums carrying these dimensions.
 * moto matches them as a subset (CloudWatch matches them exactly): asked for none, it sums
 * every series of the metric, so a test reads a series without dimensions only where no other
 * series has its name, and filters on its own namespace or dimensions.
 */
export async function metricStatistics(
  namespace: string,
  metricName: string,
  dimensions: Array<{ Name: string; Value: string }>,
): Promise<MetricSummary | undefined> {
  const env = testEnvironment();
  const client = new CloudWatchClient({ region: env.AWS_REGION, endpoint: env.CLOUDWATCH_ENDPOINT });
  try {
    const now = Date.now();
    const { Datapoints } = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName: metricName,
        Dimensions: dimensions,
        StartTime: new Date(now - 3_600_000),
        EndTime: new Date(now + 60_000),
        Period: 3_660,
        Statistics: ['SampleCount', 'Sum', 'Maximum'],
      }),
    );
    if (!Datapoints || Datapoints.length === 0) return undefined;
    return {
      samples: Datapoints.reduce((total, point) => total + (point.SampleCount ?? 0), 0),
      sum: Datapoints.reduce((total, point) => total + (point.Sum ?? 0), 0),
      maximum: Math.max(...Datapoints.map((point) => point.Maximum ?? -Infinity)),
      unit: Datapoints[0]!.Unit,
    };
  } finally {
    client.destroy();
  }
}

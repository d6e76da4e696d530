// The AWS services the processes use, each as a settings schema and a factory, so that the API
// and the worker read the same variables and build their clients the same way. Locally the
// endpoints point at DynamoDB Local, the S3-compatible server and moto.
import Type from 'typebox';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { awsRequestHandler, messagingRequestTimeoutMs, s3RequestTimeoutMs } from './aws-calls.ts';
import { createDocumentStore } from './store/documents.ts';
import { createStore } from './store/index.ts';

const endpoint = (value: string | undefined) => (value ? { endpoint: value } : {});

/** DynamoDB: every garden's records. */
export const StoreSettings = Type.Object({
  AWS_REGION: Type.String({ minLength: 1 }),
  DYNAMODB_ENDPOINT: Type.Optional(Type.String()),
  DYNAMODB_TABLE_PREFIX: Type.String({ minLength: 1 }),
});
export type StoreSettings = Type.Static<typeof StoreSettings>;

export function storeFrom(settings: StoreSettings) {
  return createStore({
    region: settings.AWS_REGION,
    endpoint: settings.DYNAMODB_ENDPOINT,
    tablePrefix: settings.DYNAMODB_TABLE_PREFIX,
  });
}

/** S3: printable documents and invoices. */
export const DocumentSettings = Type.Object({
  AWS_REGION: Type.String({ minLength: 1 }),
  S3_ENDPOINT: Type.Optional(Type.String()),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false }),
  S3_BUCKET: Type.String({ minLength: 3 }),
});
export type DocumentSettings = Type.Static<typeof DocumentSettings>;

export function s3ClientFrom(settings: DocumentSettings): S3Client {
  return new S3Client({
    region: settings.AWS_REGION,
    ...endpoint(settings.S3_ENDPOINT),
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    requestHandler: awsRequestHandler(s3RequestTimeoutMs),
  });
}

export function documentStoreFrom(settings: DocumentSettings, s3: S3Client = s3ClientFrom(settings)) {
  return createDocumentStore(s3, settings.S3_BUCKET);
}

/** SES: emails (`adapters/messaging/mailer.ts` adds the sender). */
export const SesSettings = Type.Object({
  AWS_REGION: Type.String({ minLength: 1 }),
  SES_ENDPOINT: Type.Optional(Type.String()),
});
export type SesSettings = Type.Static<typeof SesSettings>;

export function sesClientFrom(settings: SesSettings): SESv2Client {
  return new SESv2Client({
    region: settings.AWS_REGION,
    ...endpoint(settings.SES_ENDPOINT),
    requestHandler: awsRequestHandler(messagingRequestTimeoutMs),
  });
}

/** SNS: text messages (`adapters/messaging/texter.ts`). */
export const SnsSettings = Type.Object({
  AWS_REGION: Type.String({ minLength: 1 }),
  SNS_ENDPOINT: Type.Optional(Type.String()),
});
export type SnsSettings = Type.Static<typeof SnsSettings>;

export function snsClientFrom(settings: SnsSettings): SNSClient {
  return new SNSClient({
    region: settings.AWS_REGION,
    ...endpoint(settings.SNS_ENDPOINT),
    requestHandler: awsRequestHandler(messagingRequestTimeoutMs),
  });
}

import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../adapters/store/index.ts';
import { sentEmails, sentSms } from './moto.ts';
import { pdfText } from './pdf-text.ts';
import { testEnvironment } from './environment.ts';

/**
 * Where a text still is on the local stack, for the tests of an erasure: every item of both
 * DynamoDB tables (all partitions, scanned), every version of every S3 object under the
 * garden's prefix (a PDF by the text it draws, anything else as bytes), every email and SMS moto captured. Case is
 * ignored. Each place found is named, so a failure says where the text was left.
 */
export async function placesHolding(text: string, store: Store, gardenId: string): Promise<string[]> {
  const wanted = text.toLowerCase();
  const holds = (value: string) => value.toLowerCase().includes(wanted);
  const places: string[] = [];

  for (const table of [store.tables.gardens, store.tables.control]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await store.db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        if (holds(JSON.stringify(item)))
          places.push(`dynamodb ${table} ${String(item.pk)} ${String(item.sk)}`);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  // Every version of every object under the garden's prefix: the bucket keeps earlier ones.
  const env = testEnvironment();
  const bucket = env.S3_BUCKET ?? 'cocagne-documents';
  const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: `${gardenId}/`,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
    );
    for (const version of page.Versions ?? []) {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: version.Key, VersionId: version.VersionId }),
      );
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      const content = (object.ContentType ?? '').includes('pdf')
        ? pdfText(bytes)
        : Buffer.from(bytes).toString('utf8');
      if (holds(content)) {
        places.push(
          `s3 ${version.Key ?? ''}${version.IsLatest ? '' : ` (earlier version ${version.VersionId ?? ''})`}`,
        );
      }
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  s3.destroy();

  for (const email of await sentEmails()) {
    if (holds(JSON.stringify(email))) places.push(`moto email ${email.id}`);
  }
  for (const sms of await sentSms()) {
    if (holds(JSON.stringify(sms))) places.push(`moto sms ${sms.message_id}`);
  }
  return places;
}

/** Every version and delete marker S3 keeps of one key (the bucket is versioned). */
export async function versionsOf(key: string): Promise<string[]> {
  const env = testEnvironment();
  const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
  try {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: env.S3_BUCKET ?? 'cocagne-documents', Prefix: key }),
    );
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((version) => version.Key === key)
      .map((version) => version.VersionId ?? '');
  } finally {
    s3.destroy();
  }
}

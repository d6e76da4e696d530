import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchWriteItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * A DynamoDB table's copy in S3, in the layout and format of DynamoDB's own export to S3
 * (`ExportTableToPointInTime`, output format `DYNAMODB_JSON`):
 *
 *   <prefix>/AWSDynamoDB/<export id>/manifest-summary.json   what, when, how many items
 *   <prefix>/AWSDynamoDB/<export id>/manifest-files.json     one JSON line per data file
 *   <prefix>/AWSDynamoDB/<export id>/data/<name>.json.gz     one `{"Item": {...}}` line per item
 *
 * In production AWS writes it from the table's point-in-time recovery (infra/aws/README.md,
 * « Runbook: restore a garden from its S3 copy »); DynamoDB Local has no export, so the local
 * drill writes the same files with a Scan (`writeTableExport`). The restore reads either
 * (`readTableExport`), so what the drill proves here is what an operator runs on AWS's files.
 */
export type DynamoItem = Record<string, AttributeValue>;

export interface ExportSummary {
  version: '2020-06-30';
  exportArn: string;
  startTime: string;
  endTime: string;
  tableArn: string;
  exportTime: string;
  s3Bucket: string;
  s3Prefix: string;
  manifestFilesS3Key: string;
  itemCount: number;
  outputFormat: 'DYNAMODB_JSON';
}

interface ManifestFile {
  itemCount: number;
  md5Checksum: string;
  dataFileS3Key: string;
}

/** Items per data file: AWS's files hold up to a few hundred MB; ours stay small enough to read whole. */
const itemsPerFile = 5_000;

/** Binary attributes as DynamoDB's export writes them: base64 text. */
function toExportJson(item: DynamoItem): string {
  return JSON.stringify({ Item: item }, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
  );
}

function fromExportValue(value: AttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B as unknown as string, 'base64') };
  if (value.BS !== undefined)
    return { BS: (value.BS as unknown as string[]).map((entry) => Buffer.from(entry, 'base64')) };
  if (value.M !== undefined) return { M: fromExportItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(fromExportValue) };
  return value;
}

function fromExportItem(item: Record<string, AttributeValue>): DynamoItem {
  const result: DynamoItem = {};
  for (const [name, value] of Object.entries(item)) result[name] = fromExportValue(value);
  return result;
}

async function readObject(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!answer.Body) throw new Error(`s3://${bucket}/${key} has no content`);
  return answer.Body.transformToByteArray();
}

/**
 * Writes the table's items (those `keep` accepts, all by default) as a DynamoDB export under
 * `prefix`; returns the key of its `manifest-summary.json`, which names the export.
 */
export async function writeTableExport(input: {
  db: DynamoDBClient;
  tableName: string;
  s3: S3Client;
  bucket: string;
  prefix: string;
  keep?: (item: DynamoItem) => boolean;
  now?: () => Date;
}): Promise<{ summaryKey: string; itemCount: number; files: number }> {
  const now = input.now ?? (() => new Date());
  const startTime = now().toISOString();
  const exportId = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  const base = `${input.prefix.replace(/\/+$/, '')}/AWSDynamoDB/${exportId}`;
  const manifest: ManifestFile[] = [];
  let batch: DynamoItem[] = [];
  let itemCount = 0;

  async function flush() {
    if (batch.length === 0) return;
    const body = gzipSync(Buffer.from(batch.map(toExportJson).join('\n') + '\n', 'utf8'));
    const dataFileS3Key = `${base}/data/${randomUUID()}.json.gz`;
    await input.s3.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: dataFileS3Key,
        Body: body,
        ContentType: 'application/gzip',
      }),
    );
    manifest.push({
      itemCount: batch.length,
      md5Checksum: createHash('md5').update(body).digest('base64'),
      dataFileS3Key,
    });
    itemCount += batch.length;
    batch = [];
  }

  let start: DynamoItem | undefined;
  do {
    // Strongly consistent: a write acknowledged before the export began is in it.
    const page = await input.db.send(
      new ScanCommand({ TableName: input.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      if (input.keep && !input.keep(item)) continue;
      batch.push(item);
      if (batch.length >= itemsPerFile) await flush();
    }
    start = page.LastEvaluatedKey;
  } while (start);
  await flush();

  const manifestFilesS3Key = `${base}/manifest-files.json`;
  await input.s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: manifestFilesS3Key,
      Body: manifest.map((file) => JSON.stringify(file)).join('\n') + (manifest.length > 0 ? '\n' : ''),
      ContentType: 'application/json',
    }),
  );
  const endTime = now().toISOString();
  const summary: ExportSummary = {
    version: '2020-06-30',
    exportArn: `arn:aws:dynamodb:local:000000000000:table/${input.tableName}/export/${exportId}`,
    startTime,
    endTime,
    tableArn: `arn:aws:dynamodb:local:000000000000:table/${input.tableName}`,
    exportTime: startTime,
    s3Bucket: input.bucket,
    s3Prefix: input.prefix,
    manifestFilesS3Key,
    itemCount,
    outputFormat: 'DYNAMODB_JSON',
  };
  const summaryKey = `${base}/manifest-summary.json`;
  await input.s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: summaryKey,
      Body: JSON.stringify(summary, null, 2),
      ContentType: 'application/json',
    }),
  );
  return { summaryKey, itemCount, files: manifest.length };
}

/**
 * The items of an export, file by file (each file's MD5 checked against the manifest first):
 * those `keep` accepts. A file that does not match its checksum stops the read with its name.
 */
export async function* readTableExport(input: {
  s3: S3Client;
  bucket: string;
  summaryKey: string;
  keep?: (item: DynamoItem) => boolean;
}): AsyncGenerator<DynamoItem> {
  const summaryText = new TextDecoder().decode(await readObject(input.s3, input.bucket, input.summaryKey));
  const summary = JSON.parse(summaryText) as Partial<ExportSummary>;
  if (summary.outputFormat !== 'DYNAMODB_JSON' || typeof summary.manifestFilesS3Key !== 'string') {
    throw new Error(
      `${input.summaryKey} is not a DynamoDB export in DYNAMODB_JSON format (outputFormat: ${String(summary.outputFormat)})`,
    );
  }
  const manifestText = new TextDecoder().decode(
    await readObject(input.s3, input.bucket, summary.manifestFilesS3Key),
  );
  const files = manifestText
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestFile);
  let read = 0;
  for (const file of files) {
    const body = await readObject(input.s3, input.bucket, file.dataFileS3Key);
    const md5 = createHash('md5').update(body).digest('base64');
    if (md5 !== file.md5Checksum) {
      throw new Error(
        `${file.dataFileS3Key} does not match its checksum in the export's manifest: damaged copy`,
      );
    }
    const lines = gunzipSync(body).toString('utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      const { Item } = JSON.parse(line) as { Item: Record<string, AttributeValue> };
      read += 1;
      const item = fromExportItem(Item);
      if (!input.keep || input.keep(item)) yield item;
    }
  }
  if (typeof summary.itemCount === 'number' && read !== summary.itemCount) {
    throw new Error(
      `The export holds ${read} items where its summary says ${summary.itemCount}: incomplete copy`,
    );
  }
}

/**
 * Puts or deletes raw items, 25 per BatchWriteItem, trying again what DynamoDB leaves
 * unprocessed with a growing wait; still throttled after eight tries is an error.
 */
export async function batchWrite(db: DynamoDBClient, table: string, requests: WriteRequest[]): Promise<void> {
  for (let index = 0; index < requests.length; index += 25) {
    let pending = requests.slice(index, index + 25);
    for (let round = 0; pending.length > 0; round++) {
      if (round === 8) throw new Error(`DynamoDB left ${pending.length} writes unprocessed in ${table}`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** round, 2000)));
      const answer = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = answer.UnprocessedItems?.[table] ?? [];
    }
  }
}

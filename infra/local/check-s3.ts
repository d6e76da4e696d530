// Hand-run check of the local S3 server with the AWS SDK's default settings (CRC32 request
// checksums included): node infra/local/check-s3.ts
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { localEnvironment } from './environment.ts';

const env = localEnvironment();
const s3 = new S3Client({
  region: env.AWS_REGION,
  endpoint: env.S3_ENDPOINT,
  forcePathStyle: true,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
});
const Bucket = 'cocagne-check-s3';

async function step(name: string, run: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = await run();
    console.log(`ok    ${name}`);
    return result;
  } catch (error) {
    console.log(
      `FAIL  ${name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
    return undefined;
  }
}

const exists = await s3.send(new HeadBucketCommand({ Bucket })).then(
  () => true,
  () => false,
);
if (!exists) await step('CreateBucket', () => s3.send(new CreateBucketCommand({ Bucket })));
const body = `Bonjour les paniers ${new Date().toISOString()} é`;
await step('PutObject (default checksum)', () =>
  s3.send(new PutObjectCommand({ Bucket, Key: 'dir/hello.txt', Body: body, ContentType: 'text/plain' })),
);
await step('GetObject round trip', async () => {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'dir/hello.txt' }));
  const text = await got.Body?.transformToString();
  if (text !== body) throw new Error(`body differs: ${text}`);
});
await step('PutObject (Uint8Array, 5 MB)', () =>
  s3.send(new PutObjectCommand({ Bucket, Key: 'big.bin', Body: new Uint8Array(5 * 1024 * 1024).fill(7) })),
);
await step('PutBucketVersioning Enabled', () =>
  s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } })),
);
await step('GetBucketVersioning', async () => {
  const v = await s3.send(new GetBucketVersioningCommand({ Bucket }));
  if (v.Status !== 'Enabled') throw new Error(`status ${String(v.Status)}`);
});
await step('two versions listed', async () => {
  await s3.send(new PutObjectCommand({ Bucket, Key: 'v.txt', Body: 'one' }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'v.txt', Body: 'two' }));
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'v.txt' }));
  const count = listed.Versions?.length ?? 0;
  if (count < 2) throw new Error(`${count} version(s)`);
});
await step('DeleteObject', () => s3.send(new DeleteObjectCommand({ Bucket, Key: 'big.bin' })));

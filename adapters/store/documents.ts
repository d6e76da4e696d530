import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { notFound } from '../../domain/errors.ts';
import { deleteObjectVersions, listObjectVersions } from './object-versions.ts';

/**
 * The garden's printable documents in S3 (depot sheets, harvest lists…), under the garden's
 * own prefix so a garden's files can be exported or deleted together.
 */
export function createDocumentStore(s3: S3Client, bucket: string) {
  return {
    async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }),
      );
    },

    async get(key: string): Promise<{ bytes: Uint8Array; contentType: string }> {
      try {
        const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return {
          bytes: await (answer.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())),
          contentType: answer.ContentType ?? 'application/octet-stream',
        };
      } catch (error) {
        if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) {
          throw notFound({ fr: 'Document', en: 'Document' });
        }
        throw error;
      }
    },

    /**
     * Deletes the documents (gone already is fine; safe to repeat). The bucket is versioned:
     * earlier versions follow its lifecycle rules.
     */
    async remove(keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      const { Errors } = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const first = Errors?.[0];
      if (first) throw new Error(`S3 could not delete ${first.Key} (${first.Code}: ${first.Message})`);
    },

    /** The current documents under `prefix`, page after page: key, size and last write. */
    async list(prefix: string): Promise<Array<{ key: string; bytes: number; modifiedAt: string }>> {
      const found: Array<{ key: string; bytes: number; modifiedAt: string }> = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key?.startsWith(prefix)) continue;
          found.push({
            key: object.Key,
            bytes: object.Size ?? 0,
            modifiedAt: (object.LastModified ?? new Date(0)).toISOString(),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    },

    /**
     * Deletes a document for good: its current version, every earlier one and every delete
     * marker (an image a garden must take down). Returns how many versions went (0: none was
     * there).
     */
    async removeForGood(key: string): Promise<number> {
      const versions = (await listObjectVersions(s3, bucket, key)).filter((version) => version.Key === key);
      await deleteObjectVersions(s3, bucket, versions);
      return versions.filter((version) => !version.marker).length;
    },

    /**
     * Deletes every earlier version of the documents, and their delete markers: only the current
     * version stays (none, for a document removed). For a member's erasure: the bucket keeps
     * old versions for ever otherwise (no lifecycle rule expires them). Returns how many went.
     */
    async removeEarlierVersions(keys: readonly string[]): Promise<number> {
      let removed = 0;
      for (const key of keys) {
        // The current version of a document stays; every other version and delete marker goes.
        const earlier = (await listObjectVersions(s3, bucket, key)).filter(
          (version) => version.Key === key && !version.latest,
        );
        await deleteObjectVersions(s3, bucket, earlier);
        removed += earlier.length;
      }
      return removed;
    },
  };
}
export type DocumentStore = ReturnType<typeof createDocumentStore>;

export const weekDocumentKey = (gardenId: string, week: string, name: string) =>
  `${gardenId}/weeks/${week}/${name}`;

/** An invoice's PDF, by its number in the garden's sequence. */
export const invoiceDocumentKey = (gardenId: string, invoiceNumber: number) =>
  `${gardenId}/invoices/F-${String(invoiceNumber).padStart(6, '0')}.pdf`;

// The versions S3 keeps of objects in a versioned bucket, listed and deleted: what a member's
// erasure and the retention sweep use so that nothing deleted stays behind as an earlier version.
import { DeleteObjectsCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

/** One version of an object, or a delete marker (`marker`), under a prefix. */
export interface ObjectVersion {
  Key: string;
  VersionId: string;
  /** The object's current version (never a marker). */
  latest: boolean;
  marker: boolean;
}

/** Every version and delete marker whose key starts with `prefix`, page after page. */
export async function listObjectVersions(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<ObjectVersion[]> {
  const found: ObjectVersion[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
    );
    for (const version of page.Versions ?? []) {
      if (!version.Key?.startsWith(prefix) || !version.VersionId) continue;
      found.push({
        Key: version.Key,
        VersionId: version.VersionId,
        latest: version.IsLatest === true,
        marker: false,
      });
    }
    for (const marker of page.DeleteMarkers ?? []) {
      if (!marker.Key?.startsWith(prefix) || !marker.VersionId) continue;
      found.push({ Key: marker.Key, VersionId: marker.VersionId, latest: false, marker: true });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  return found;
}

/** Deletes these versions for good, a thousand per request; the first S3 refuses is thrown. */
export async function deleteObjectVersions(
  s3: S3Client,
  bucket: string,
  versions: ReadonlyArray<Pick<ObjectVersion, 'Key' | 'VersionId'>>,
): Promise<void> {
  for (let start = 0; start < versions.length; start += 1000) {
    const { Errors } = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: {
          Objects: versions.slice(start, start + 1000).map(({ Key, VersionId }) => ({ Key, VersionId })),
          Quiet: true,
        },
      }),
    );
    const first = Errors?.[0];
    if (first)
      throw new Error(`S3 could not delete a version of ${first.Key} (${first.Code}: ${first.Message})`);
  }
}

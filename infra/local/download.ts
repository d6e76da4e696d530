import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserFacingError } from './log.ts';

const megabytes = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

/** Fetches a small text resource (a checksum file). */
export async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new UserFacingError(`Download of ${url} failed: HTTP ${response.status}.`);
  return response.text();
}

/**
 * Downloads `url` into `destination` (through a .part file), printing MB progress, and
 * returns the SHA-1 of what was written.
 */
export async function download(
  url: string,
  destination: string,
  progress: (line: string) => void,
): Promise<string> {
  mkdirSync(dirname(destination), { recursive: true });
  const partial = `${destination}.part`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new UserFacingError(
      `Download of ${url} failed: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
  if (!response.ok || !response.body)
    throw new UserFacingError(`Download of ${url} failed: HTTP ${response.status}.`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const hash = createHash('sha1');
  const file = createWriteStream(partial);
  let received = 0;
  let lastReport = performance.now();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
      if (!file.write(chunk)) await new Promise((resolvePromise) => file.once('drain', resolvePromise));
      if (performance.now() - lastReport > 3000) {
        lastReport = performance.now();
        progress(total ? `${megabytes(received)}/${megabytes(total)} MB` : `${megabytes(received)} MB`);
      }
    }
    await new Promise<void>((resolvePromise, reject) =>
      file.end((err?: Error | null) => (err ? reject(err) : resolvePromise())),
    );
  } catch (err) {
    file.destroy();
    rmSync(partial, { force: true });
    throw new UserFacingError(
      `Download of ${url} failed: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
  progress(`${megabytes(received)} MB downloaded`);
  renameSync(partial, destination);
  return hash.digest('hex');
}

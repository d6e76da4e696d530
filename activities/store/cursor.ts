import { CocagneError } from '../../domain/errors.ts';

/** Page cursors are DynamoDB keys, opaque to callers (base64url JSON). */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeCursor(
  cursor: string | undefined,
  expectedPartition: { name: string; value: string },
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key[expectedPartition.name] === expectedPartition.value) return key;
  } catch {
    // fall through to the error below
  }
  throw new CocagneError('invalid_input', {
    fr: "Cette page n'existe plus : revenez à la première page.",
    en: 'This page no longer exists: go back to the first page.',
  });
}

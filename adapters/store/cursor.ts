import { CocagneError } from '../../domain/errors.ts';

/** Page cursors are DynamoDB keys, opaque to callers (base64url JSON). */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** The attributes of a start key in a query of the gsi1 index: the table's key and the index's. */
const indexKeyNames = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];

/**
 * The start key a cursor names, or a 400 when it is not one this API made for this list.
 * A cursor is checked whole (exactly the key's attributes, each a text), since DynamoDB
 * answers anything else with an error of its own, which became a 500.
 */
export function decodeCursor(
  cursor: string | undefined,
  expectedPartition: { name: string; value: string },
  keyNames: readonly string[] = indexKeyNames,
): Record<string, string> | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (isStartKey(key, keyNames) && key[expectedPartition.name] === expectedPartition.value) return key;
  throw new CocagneError('invalid_input', {
    fr: "Cette page n'existe plus : revenez à la première page.",
    en: 'This page no longer exists: go back to the first page.',
  });
}

function isStartKey(value: unknown, keyNames: readonly string[]): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length === keyNames.length &&
    entries.every(
      ([name, attribute]) => keyNames.includes(name) && typeof attribute === 'string' && attribute !== '',
    )
  );
}

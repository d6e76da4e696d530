/**
 * Records keyed by ids people chose (depots, products, members) are plain objects once they
 * have crossed JSON (Temporal payloads, DynamoDB items). Reading one with `record[id]` finds
 * what every object inherits when the id is "constructor", "toString" or "__proto__": these
 * helpers read and build only the record's own keys.
 */

/** The value the record holds under this key itself, never one it inherits. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A record with exactly these entries as its own keys, "__proto__" included. */
export function recordOf<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries(entries);
}

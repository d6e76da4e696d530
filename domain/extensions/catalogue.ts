/**
 * What a garden runs of its extensions: the contract between the rollout (which uploads, checks,
 * tests, approves, activates and rolls back versions) and the callers of hooks (sign-up, pricing,
 * composition, absences, the accountant's export), which only read the active set.
 */

/**
 * What one call of a hook may take, declared with the hook's contract where its inputs or
 * outputs are bigger than most (the accountant's export of a year of payments); the host's
 * defaults (`extensions/host/host.ts`, `defaultLimits`) hold for what a hook does not declare.
 * Every limit stays a bound: past it, the call is stopped or refused and the built-in
 * behaviour answers.
 */
export interface HookLimits {
  /** Wall-clock budget of one call, in milliseconds. */
  timeBudgetMs?: number;
  /** The input JSON, in UTF-8 bytes (refused before the call when over). */
  inputBytes?: number;
  /** The output JSON, in UTF-8 bytes. */
  outputBytes?: number;
  /** The module's linear memory, in 64 KiB pages. */
  maxPages?: number;
  /** What the module may take of the Extism kernel's memory in one call (its input and output blocks). */
  kernelBytes?: number;
}

/** An extension's own description, shipped beside its module (`extension.json`). */
export interface ExtensionManifest {
  /** Lower-case words joined by dashes (`quotient-familial`). */
  name: string;
  /** Raised for every change (semver, `1.2.0`). */
  version: string;
  /** The hooks it implements (see `extensions/hooks/`). */
  hooks: string[];
  author: string;
  /** Where its source can be read. */
  source?: string;
}

/** One version active in a garden: calls of its hooks go to this module. */
export interface ActiveExtension {
  name: string;
  version: string;
  hooks: string[];
  /** The module's SHA-256 (hex): its address in S3, so a version never changes under a caller. */
  contentHash: string;
  activatedAt: string;
}

/**
 * A garden's active extension set, kept in the garden's configuration JSON in S3 (so that a
 * garden can be rebuilt from S3) and read by every hook call.
 */
export interface GardenExtensionSet {
  gardenId: string;
  active: ActiveExtension[];
  /** Raised at each activation or rollback. */
  revision: number;
  updatedAt: string;
}

/** Reads what a garden runs; implemented over S3 (adapters), faked nowhere. */
export interface ExtensionCatalogue {
  /** The garden's active set (an empty one when it never activated any). */
  activeSet(gardenId: string): Promise<GardenExtensionSet>;
  /** A module's bytes by content hash. */
  moduleBytes(contentHash: string): Promise<Uint8Array>;
}

/** The active extension that implements a hook in a set, if any (one per hook at most). */
export function activeFor(set: GardenExtensionSet, hook: string): ActiveExtension | undefined {
  return set.active.find((extension) => extension.hooks.includes(hook));
}

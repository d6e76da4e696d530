/**
 * A garden's extension versions as the rollout sees them (upload, static checks, self-tests,
 * approval, activation, probation, rollback): the records the admin page shows, and the rules
 * the rollout decides with. Pure: the store keeps these records, the workflow follows them.
 */
import type { Act, Actor } from './actor.ts';
import type { ExtensionManifest } from './extensions/catalogue.ts';
import { reservedIds } from './ids.ts';
import type { Localized } from './locale.ts';

/** Where a version stands in its garden. */
export type ExtensionVersionStatus =
  | 'uploaded' // stored, its checks not run yet
  | 'checks-failed' // a static check refused it: never activated
  | 'self-tests-failed' // a test vector or a golden case gave another answer: never activated
  | 'awaiting-approval' // checked and tested: a garden admin decides
  | 'rejected'
  | 'probation' // active, watched against the previous version's error rate
  | 'active' // active, probation over
  | 'rolled-back' // was active, rolled back (automatically or by an admin)
  | 'superseded'; // replaced by a newer version (before or after activation)

/** One line of a version's history: who did what, when. */
export interface ExtensionHistoryEntry {
  at: string;
  /** Who acted; absent for what the rollout did by itself. */
  by?: Actor;
  what: Localized;
}

/** The static checks' report (extensions/host/module-check.ts). */
export interface StaticCheckReport {
  passed: boolean;
  sizeBytes: number;
  maxBytes: number;
  forbiddenImports: string[];
  missingExports: string[];
  memoryProblems: string[];
  /** Hooks the manifest names that do not exist. */
  unknownHooks: string[];
}

/** One self-test: a test vector of the module or a golden case of the garden. */
export interface SelfTestResult {
  kind: 'vector' | 'golden';
  hook: string;
  name: string;
  passed: boolean;
  expected: unknown;
  /** What the module answered (the built-in answer after a failure). */
  actual: unknown;
  /** Why the module did not answer itself (timeout, trap, invalid output…). */
  failure?: string;
}

export interface SelfTestReport {
  passed: boolean;
  total: number;
  failed: number;
  results: SelfTestResult[];
}

/** One input answered by the active version (or the built-in behaviour) and by the new one. */
export interface ResultDifference {
  hook: string;
  /** Where the input comes from. */
  source: 'recent' | 'golden' | 'example';
  name: string;
  input: unknown;
  before: unknown;
  after: unknown;
  same: boolean;
  /** Why the new version did not answer itself, if so. */
  failure?: string;
}

export interface ResultDiff {
  /** The version compared against; absent: the built-in behaviour. */
  against?: string;
  compared: number;
  changed: number;
  failed: number;
  differences: ResultDifference[];
}

/** Calls of one version in its garden, counted by every process that runs it. */
export interface CallFigures {
  calls: number;
  /** Calls answered by the built-in behaviour after a failure (timeout, trap, invalid output…). */
  failures: number;
  byKind: Record<string, number>;
  lastFailure?: { kind: string; message: string; hook: string; at: string };
}

export const noCalls = (): CallFigures => ({ calls: 0, failures: 0, byKind: {} });

/** One uploaded version of an extension in a garden. */
export interface ExtensionVersionRecord {
  gardenId: string;
  name: string;
  version: string;
  manifest: ExtensionManifest;
  /** SHA-256 of the module (hex): its address in S3. */
  contentHash: string;
  sizeBytes: number;
  status: ExtensionVersionStatus;
  uploaded: Act;
  /** Test vectors the module shipped, per hook (counted; the vectors are stored with the module). */
  testVectorCount: number;
  staticCheck?: StaticCheckReport;
  selfTests?: SelfTestReport;
  diff?: ResultDiff;
  approval?: Act;
  rejection?: Act & { reason: string };
  activatedAt?: string;
  /** When probation ends (or ended). */
  probationEndsAt?: string;
  endedAt?: string;
  rollback?: { at: string; by?: Actor; reason: Localized; to?: string };
  history: ExtensionHistoryEntry[];
}

/** A garden's own case for a hook: an input and the answer the garden expects. */
export interface GoldenCase {
  id: string;
  hook: string;
  name: string;
  input: unknown;
  output: unknown;
  added: Act;
}

/** A module's test vectors: for each hook it implements, inputs and the exact outputs expected. */
export type TestVectors = Record<string, Array<{ name: string; input: unknown; output: unknown }>>;

/** How probation compares a new version with the one before. */
export interface ProbationRule {
  /** Calls needed before the new version's rate says anything. */
  minCalls: number;
  /** How much higher (absolute, 0.05 = 5 points) the new rate may be than the previous one. */
  maxExtraRate: number;
}

export const defaultProbationRule: ProbationRule = { minCalls: 20, maxExtraRate: 0.05 };

export function failureRate(figures: CallFigures): number {
  return figures.calls === 0 ? 0 : figures.failures / figures.calls;
}

/**
 * Whether the new version fails too often compared with the previous one (or with none: the
 * built-in behaviour never fails), and why, in words for the garden's admins.
 */
export function probationVerdict(
  current: CallFigures,
  previous: CallFigures | undefined,
  rule: ProbationRule,
): { rollBack: false } | { rollBack: true; reason: Localized } {
  if (current.calls < rule.minCalls) return { rollBack: false };
  const rate = failureRate(current);
  const before = previous ? failureRate(previous) : 0;
  if (rate <= before + rule.maxExtraRate) return { rollBack: false };
  const percent = (value: number) => `${Math.round(value * 1000) / 10}`;
  return {
    rollBack: true,
    reason: {
      fr: `${percent(rate)} % des appels ont échoué (${current.failures} sur ${current.calls}), contre ${percent(before)} % pour la version précédente : au-delà du seuil de ${percent(rule.maxExtraRate)} points.`,
      en: `${percent(rate)}% of calls failed (${current.failures} of ${current.calls}), against ${percent(before)}% for the previous version: over the threshold of ${percent(rule.maxExtraRate)} points.`,
    },
  };
}

/** Same JSON (key order aside): how self-tests and diffs compare answers. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

/**
 * Extension names: lower-case words joined by dashes, as in the manifests; never a name every
 * JavaScript object has (`constructor`…).
 */
export const extensionNamePattern = `^(?!(?:${reservedIds.join('|')})$)[a-z][a-z0-9]*(-[a-z0-9]+)*$`;
/** Versions: semver (1.2.0, 1.2.0-beta.1). */
export const extensionVersionPattern = '^\\d{1,4}\\.\\d{1,4}\\.\\d{1,4}(-[0-9A-Za-z.-]{1,32})?$';

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../domain/actor.ts';
import type { ProbationRule } from '../../domain/extension-rollout.ts';
import type { Localized } from '../../domain/locale.ts';

/**
 * The rollout of one extension in one garden, for its whole life: each uploaded version is
 * checked, self-tested, approved (or rejected) by a garden admin, activated, and watched during
 * its probation, rolled back by itself when it fails more than the version before, or by an
 * admin at any time. Started (or told) by the upload.
 */
export const extensionRolloutType = 'extensionRollout';

export { extensionRolloutProcessId } from '../../domain/process-ids.ts';

export interface RolloutTimings {
  /** How long a new version is watched after its activation (7 days). */
  probationMs: number;
  /** How often its figures are compared during probation (an hour). */
  checkEveryMs: number;
  /** How long nobody may decide before the admins are reminded, and again (3 days). */
  remindEveryMs: number;
  rule: ProbationRule;
}

export const defaultRolloutTimings: RolloutTimings = {
  probationMs: 7 * 24 * 3_600_000,
  checkEveryMs: 3_600_000,
  remindEveryMs: 3 * 24 * 3_600_000,
  rule: { minCalls: 20, maxExtraRate: 0.05 },
};

export interface ExtensionRolloutInput {
  gardenId: string;
  name: string;
  /** Shorter timings (tests); the defaults otherwise. */
  timings?: Partial<RolloutTimings>;
  /** What a run that continued as new carries over. */
  carried?: {
    /** The version active now, and the one before it (rolled back to). */
    active?: string;
    previous?: string;
    /** Versions uploaded and not yet looked at. */
    queue: string[];
  };
}

export type RolloutPhase =
  'idle' | 'checking' | 'awaiting-approval' | 'activating' | 'probation' | 'rolling-back';

export interface RolloutStatus {
  gardenId: string;
  name: string;
  phase: RolloutPhase;
  /** The version being rolled out (checked, awaiting approval, in probation). */
  version?: string;
  active?: string;
  previous?: string;
  queue: string[];
  probationEndsAt?: string;
  /** What happened to the last version rolled out. */
  outcome?: { version: string; result: RolloutResult; reason?: Localized };
}

export type RolloutResult =
  'checks-failed' | 'self-tests-failed' | 'rejected' | 'superseded' | 'active' | 'rolled-back';

export interface VersionUploadedArgs {
  version: string;
}

export interface DecideVersionArgs {
  actor: Actor;
  /** The version the admin looked at. */
  version: string;
}

export interface RejectVersionArgs extends DecideVersionArgs {
  reason: string;
}

export interface RollbackArgs {
  actor: Actor;
  /** The active version the admin looked at (refused when another is active now). */
  version?: string;
  reason?: string;
}

/** A version was uploaded (stored, its record written): it is looked at after those before it. */
export const versionUploadedSignal = defineSignal<[VersionUploadedArgs]>('versionUploaded');
export const rolloutStatusQuery = defineQuery<RolloutStatus>('rolloutStatus');
/** A garden admin approves the version awaiting approval: it is activated. */
export const approveVersionUpdate = defineUpdate<RolloutStatus, [DecideVersionArgs]>('approveVersion');
/** A garden admin rejects it, with a reason: it is never activated. */
export const rejectVersionUpdate = defineUpdate<RolloutStatus, [RejectVersionArgs]>('rejectVersion');
/** A garden admin rolls the active version back to the one before (or the built-in behaviour). */
export const rollbackVersionUpdate = defineUpdate<RolloutStatus, [RollbackArgs]>('rollbackVersion');

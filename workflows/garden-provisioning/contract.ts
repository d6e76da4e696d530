import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../domain/actor.ts';
import type {
  NewGardenRequest,
  OperationDecision,
  OperationProgress,
} from '../../domain/garden-provisioning.ts';

/**
 * Creating a garden (a saga: each step undone in reverse when it fails for good and the
 * network admin rolls back) and retiring one (its reverse, retried only), on the network's
 * task queue (`networkTaskQueue`), never on a garden's.
 */
export const gardenProvisioningType = 'gardenProvisioning';
export const gardenRetirementType = 'gardenRetirement';

/**
 * One creation per slug at a time: a creation rolled back frees the id for another (the run
 * before stays in the history). The slug is the garden's id, never personal data.
 */
export const gardenProvisioningId = (gardenId: string) => `network/garden-provisioning/${gardenId}`;
export const gardenRetirementId = (gardenId: string) => `network/garden-retirement/${gardenId}`;

/** `WaitingOn` of an operation waiting for the network admin's decision after a failure. */
export const networkDecisionWaitingOn = 'network-decision';

export interface OperationTimings {
  /** How long an operation waits for a decision before it rolls back by itself (14 days). */
  decisionTimeoutMs: number;
  /** How long the deployment step waits for the garden's worker to be available (5 minutes). */
  deploymentWaitMs: number;
  /** How long closing a garden's workflows waits for them to end once cancelled (2 minutes). */
  closeWaitMs: number;
}

export const defaultOperationTimings: OperationTimings = {
  decisionTimeoutMs: 14 * 24 * 3_600_000,
  deploymentWaitMs: 5 * 60_000,
  closeWaitMs: 2 * 60_000,
};

export interface GardenProvisioningInput {
  request: NewGardenRequest;
  by: Actor;
  /** Shorter timings (tests); the defaults otherwise. */
  timings?: Partial<OperationTimings>;
}

export interface GardenRetirementInput {
  gardenId: string;
  by: Actor;
  timings?: Partial<OperationTimings>;
}

export interface OperationDecisionArgs {
  decision: OperationDecision;
  by: Actor;
}

/** Where the operation is: steps with their times, attempts, errors and notes. */
export const operationProgressQuery = defineQuery<OperationProgress>('operationProgress');
/** The network admin's decision after a step failed for good: retry it, or roll back. */
export const decideOperationUpdate = defineUpdate<OperationProgress, [OperationDecisionArgs]>(
  'decideOperation',
);

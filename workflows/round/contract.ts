import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Act, Actor } from '../../domain/actor.ts';
import type { StopPin } from '../../domain/rounds/plan.ts';
import type { RoundPhase } from '../../domain/rounds/round.ts';

/**
 * A garden's delivery round on one day: stops collected from the week's baskets, routes
 * optimised, approved by staff, sent to drivers, followed until the evening report. Started
 * by the week's preparation once its baskets are planned, or by staff.
 */
export const deliveryRoundType = 'deliveryRound';

export { roundProcessId } from '../../domain/process-ids.ts';

export interface RoundInput {
  gardenId: string;
  /** The delivery day, garden time. */
  date: string;
  /** The garden's time zone; Europe/Paris when absent. */
  timeZone?: string;
}

/** What the round's workflow says of itself (the plan itself is in the store). */
export interface RoundStatus {
  gardenId: string;
  date: string;
  phase: RoundPhase;
  /** The plan's revision in the store; 0 until the first plan is saved. */
  revision: number;
  /** Whether a new plan is being worked out. */
  planning: boolean;
  pins: StopPin[];
  deadline?: string;
  approval?: Act;
  /** Why the routes were not made by the garden's chosen optimiser, if so. */
  fallbackReason?: string;
}

export interface ApproveRoundArgs {
  actor: Actor;
  /** The plan staff looked at: refused when the round was planned again since. */
  revision?: number;
}

export interface ChangePinsArgs {
  actor: Actor;
  pins: StopPin[];
}

export interface StopMarkedArgs {
  markId: string;
  stopId: string;
  outcome: 'delivered' | 'not-delivered';
}

export const roundStatusQuery = defineQuery<RoundStatus>('roundStatus');
/** Staff approve the routes: they go to the drivers next. */
export const approveRoundUpdate = defineUpdate<RoundStatus, [ApproveRoundArgs]>('approveRound');
/** Staff move or pin stops (or ask for a new plan with the same pins): answers once re-planned. */
export const changePinsUpdate = defineUpdate<RoundStatus, [ChangePinsArgs]>('changePins');
/** The day's baskets changed (absence, cancellation, depot change, new subscription). */
export const roundBasketsChangedSignal = defineSignal('roundBasketsChanged');
/** A driver marked a stop (already stored by the API): members hear of a missed basket. */
export const stopMarkedSignal = defineSignal<[StopMarkedArgs]>('stopMarked');

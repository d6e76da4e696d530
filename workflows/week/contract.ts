import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Act, Actor } from '../../domain/actor.ts';
import type { BasketCounts } from '../../domain/delivery-week.ts';

/**
 * The preparation of a garden's delivery week: baskets planned from the subscriptions, the
 * composition approved by staff, the documents printed. Started by the garden's schedule (or
 * by staff), once per week.
 */
export const weekPreparationType = 'weekPreparation';
export const weekPreparationTriggerType = 'weekPreparationTrigger';

export { weekProcessId as weekPreparationId } from '../../domain/process-ids.ts';

/** The garden's schedule, which starts the trigger every week at the garden's chosen time. */
export function weekScheduleId(gardenId: string): string {
  return `${gardenId}/week-schedule`;
}

export interface WeekPreparationInput {
  gardenId: string;
  /** ISO week, e.g. "2026-W49". */
  week: string;
  /** The garden's time zone (its week ends at its midnight); Europe/Paris when absent, as before. */
  timeZone?: string;
}

export interface WeekTriggerInput {
  gardenId: string;
  /** How many weeks ahead of the run's week to prepare (1: next week). */
  weeksAhead: number;
  /** The garden's time zone, for "this week"; Europe/Paris when absent (schedules made before). */
  timeZone?: string;
}

export type WeekPhase = 'planning' | 'awaiting-composition' | 'printing' | 'ready' | 'done';

/** What the week's page shows while it runs, progress bar included. */
export interface WeekProgress {
  gardenId: string;
  week: string;
  phase: WeekPhase;
  /** Subscriptions planned so far, out of all. */
  planned: number;
  total: number;
  counts?: { total: BasketCounts; byDepot: Record<string, BasketCounts> };
  overCapacity: Array<{ depotId: string; baskets: number; capacity: number }>;
  approval?: Act;
  /** When the composition is due (ISO instant); staff are reminded the day before. */
  deadline?: string;
  documents: Array<{ name: string; title: string; depotId?: string }>;
  /** Subscriptions whose baskets could not be worked out (each one is in the staff inbox). */
  unplannable?: string[];
}

export interface ApproveCompositionArgs {
  actor: Actor;
}

export const weekProgressQuery = defineQuery<WeekProgress>('progress');
/** Staff approve the week's composition: the documents are printed next. */
export const approveCompositionUpdate = defineUpdate<WeekProgress, [ApproveCompositionArgs]>(
  'approveComposition',
);
/** A subscription changed (absence, pause, depot…) in a way that touches this week. */
export const basketsChangedSignal = defineSignal<[subscriptionId: string]>('basketsChanged');
/**
 * The garden's calendar, rules or depots changed (a depot's delivery day…): the week plans
 * every running subscription's baskets again.
 */
export const gardenChangedSignal = defineSignal('gardenChanged');

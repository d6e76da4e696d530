import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, Act } from '../../domain/actor.ts';
import type { IsoDate } from '../../domain/calendar.ts';
import type { AbsenceDecision } from '../../domain/absence-decisions.ts';
import type { ScheduledDelivery } from '../../domain/delivery-schedule.ts';
import type {
  BasketSize,
  Subscription,
  SubscriptionDecisionInput,
  SignUpAnswers,
  SolidarityProposal,
  SubscriptionRequest,
} from '../../domain/subscription.ts';

/**
 * The contract of the subscription process: how to name, start and talk to the workflow.
 * The workflow file holds only the orchestration.
 */
export const subscriptionWorkflowType = 'subscriptionWorkflow';

/** Business-key workflow id: one workflow per subscription, never two. */
export { subscriptionProcessId as subscriptionWorkflowId } from '../../domain/process-ids.ts';

/** What a run carries over to the next one when it continues as new. */
export interface CarriedState {
  subscription: Subscription;
  /** Delivery days already reminded (the last one), and notices already sent, by key. */
  remindedThrough?: IsoDate;
  sentNotices: string[];
}

export interface SubscriptionWorkflowInput {
  gardenId: string;
  subscriptionId: string;
  /** With the answers to the garden's extra sign-up fields, kept in the subscription as they are. */
  request: SubscriptionRequest & { signUpAnswers?: SignUpAnswers; solidarityProposal?: SolidarityProposal };
  requested: Act;
  /** For an application made by a newly registered person: their account, to link to the member. */
  linkAccount?: { userId: string };
  /** An application the member made online: acknowledged at once by a message, before staff decide. */
  acknowledge?: boolean;
  /** Set when a run continues as new: the state so far. */
  carried?: CarriedState;
  /** History events after which a run continues as new (tests lower it). */
  historyLimit?: number;
}

export interface DecideArgs {
  input: SubscriptionDecisionInput;
  actor: Actor;
}

export interface AbsenceArgs {
  dates: IsoDate[];
  actor: Actor;
  /**
   * The garden's absence-policy extension's decisions, one per day, asked by the API before
   * sending the Update (so they are in the history). Absent (older runs, no extension, or the
   * extension failed): the garden's own rules.
   */
  decisions?: AbsenceDecision[];
}

export interface WithdrawAbsenceArgs {
  date: IsoDate;
  actor: Actor;
}

export interface PauseArgs {
  from: IsoDate;
  until: IsoDate;
  actor: Actor;
}

export interface ChangeArgs {
  depotId?: string;
  basketSize?: BasketSize;
  actor: Actor;
}

export interface CancelArgs {
  origin: 'member' | 'staff';
  reason?: string;
  actor: Actor;
}

export interface RenewArgs {
  actor: Actor;
}

/** A staff member approves, rejects or waitlists the application. Validated before anything changes. */
export const decideUpdate = defineUpdate<Subscription, [DecideArgs]>('decide');
/** The member (or staff) reports days they will not collect their basket. */
export const reportAbsencesUpdate = defineUpdate<Subscription, [AbsenceArgs]>('reportAbsences');
/** The member (or staff) takes back an absence before its cutoff: the basket is delivered after all. */
export const withdrawAbsenceUpdate = defineUpdate<Subscription, [WithdrawAbsenceArgs]>('withdrawAbsence');
/** No deliveries from a day until another, when deliveries resume by themselves. */
export const pauseUpdate = defineUpdate<Subscription, [PauseArgs]>('pause');
/** Another depot or basket size, from the first delivery that can still be changed. */
export const changeTermsUpdate = defineUpdate<Subscription, [ChangeArgs]>('changeTerms');
/** Continue into the next season. */
export const renewUpdate = defineUpdate<Subscription, [RenewArgs]>('renew');
/** Cancellation by the member (online, "résilier") or by staff (with a reason). */
export const cancelUpdate = defineUpdate<Subscription, [CancelArgs]>('cancel');

export interface SuspendDeliveriesArgs {
  invoiceNumber: number;
  invoiceLabel: string;
  /** What is still due, in cents (for the member's notice). */
  amount: number;
  reason: string;
  decided: Act;
}

/** Staff decided to suspend deliveries while an invoice stays unpaid (from the next delivery still open). */
export const suspendDeliveriesSignal = defineSignal<[SuspendDeliveriesArgs]>('suspendDeliveries');
/**
 * That invoice is settled (paid, or written off by staff): deliveries resume once no unpaid
 * invoice holds them.
 */
export const resumeDeliveriesSignal =
  defineSignal<[{ invoiceNumber: number; invoiceLabel: string; writtenOff?: boolean }]>('resumeDeliveries');

/** The garden's calendar, rules or depots changed: read them again. */
export const gardenSettingsChangedSignal = defineSignal('gardenSettingsChanged');

/** The subscription as the workflow knows it now. */
export const subscriptionQuery = defineQuery<Subscription>('subscription');

/**
 * Where the link of a newly registered account to its member record stands: `linking` while
 * the identity provider has not taken it (it may be down: the application goes on meanwhile),
 * `account-gone` when the account was deleted before it could be linked.
 */
export type AccountLinkState = 'linking' | 'linked' | 'account-gone';
export const accountLinkQuery = defineQuery<AccountLinkState | undefined>('accountLink');
/**
 * What happens next: the coming delivery days, with absences, pause and changes applied.
 * The caller says what time it is: a workflow's own clock stands still between its tasks.
 */
export const nextDeliveriesQuery = defineQuery<ScheduledDelivery[], [count: number, at?: string]>(
  'nextDeliveries',
);

export { refusedFailureType } from '../refusal.ts';

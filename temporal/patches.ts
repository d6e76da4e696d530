/**
 * Every `patched()` id the workflows use, in one list: what each changed, when, and when it can
 * be retired. `temporal/patches.test.ts` holds this list to the code (no id missing, none left
 * over) and to the committed histories in `histories/`, where each id must appear as a patch
 * marker, so that `replay.test.ts` replays its new branch.
 *
 * Retiring a patch takes two deploys. First, once no run of its workflows started before the
 * patch's commit is still open (the rule in `retireWhen`; check with a visibility query such as
 * `WorkflowType = 'invoicePayment' AND ExecutionStatus = 'Running' AND StartTime < '<date>'`),
 * replace `patched(id)` by `deprecatePatch(id)` and delete the old branch. Then, once no run
 * started before that deploy is open, delete the `deprecatePatch` call, this entry, and the
 * histories that only guarded the old branch.
 *
 * A continued-as-new run starts afresh with the code of its day: only runs that have not
 * continued since the patch keep the old branch.
 */
export interface WorkflowPatch {
  id: string;
  /** The workflow types whose code calls `patched(id)`. */
  workflows: readonly string[];
  /** What runs started since the patch do differently. */
  change: string;
  added: { commit: string; on: string };
  /** When no run can still take the old branch, so the patch may be retired. */
  retireWhen: string;
  /** Why no committed history exercises it yet (only when recording one is impossible). */
  noHistoryYet?: string;
}

/** Runs that use `persevere` (workflows/incidents/persevere.ts). */
const persevering = [
  'subscriptionWorkflow',
  'invoicePayment',
  'billingRun',
  'gardenSettingsBroadcast',
  'weekPreparation',
];

const subscriptionRule =
  'no subscriptionWorkflow run started before that day is still open without having continued as new: at most a season and its renewal window (about a year)';
const paymentRule =
  'no invoicePayment run started before that day is still open: about three months for a collection and its retries, longer for one waiting on a staff decision or suspended deliveries (check, do not assume)';
const billingRule =
  'no billingRun run started before that day is still open: a run lasts minutes, or until staff settle its incidents (a month is ample)';

export const workflowPatches: readonly WorkflowPatch[] = [
  {
    id: 'subscription-lifecycle',
    workflows: ['subscriptionWorkflow'],
    change:
      'The full lifecycle (absences, pause, changes, renewal, cancellation, reminders); runs started before keep the first version’s path in legacy-v1.ts until signalled to move over.',
    added: { commit: 'e5a3070', on: '2026-11-24' },
    retireWhen: `${subscriptionRule}; legacy-v1.ts goes with it.`,
  },
  {
    id: 'tell-prepared-weeks',
    workflows: ['subscriptionWorkflow', 'gardenSettingsBroadcast'],
    change:
      'A subscription change, and a change of the garden’s settings, signal the weeks already prepared so their baskets are planned again.',
    added: { commit: '5420820', on: '2026-11-24' },
    retireWhen: `${subscriptionRule} (a settings broadcast lasts seconds).`,
  },
  {
    id: 'season-membership-fee',
    workflows: ['billingRun'],
    change: 'Season billing issues the household’s membership fee beside the installments.',
    added: { commit: 'd1bd38a', on: '2026-11-25' },
    retireWhen: `${billingRule}.`,
  },
  {
    id: 'decision-answered-while-bank-confirms',
    workflows: ['invoicePayment'],
    change:
      'A staff decision to try a SEPA debit again is answered once the debit is on its way (phase awaiting-result), not when the bank confirms days later.',
    added: { commit: '3c2fa4d', on: '2026-11-25' },
    retireWhen: `${paymentRule}.`,
  },
  {
    id: 'sepa-wait-20-days',
    workflows: ['invoicePayment'],
    change: 'A processing SEPA debit gets 20 calendar days, not 14, before it counts as failed.',
    added: { commit: '95c5246', on: '2026-11-25' },
    retireWhen: `${paymentRule}.`,
  },
  {
    id: 'incidents-after-bounded-retries',
    workflows: persevering,
    change:
      'A step whose activity fails past its bounded retries becomes an incident in the staff inbox and is tried again by itself or on staff’s word, instead of failing the workflow task.',
    added: { commit: '339b763', on: '2026-12-05' },
    retireWhen: `the latest of the rules of the workflows using persevere: ${subscriptionRule}.`,
  },
  {
    id: 'link-account-beside-application',
    workflows: ['subscriptionWorkflow'],
    change:
      'An online applicant’s account is linked beside the application (staff see it while the identity provider is down), not before it.',
    added: { commit: '339b763', on: '2026-12-05' },
    retireWhen: `no subscriptionWorkflow run started before that day is still pending its link: applications are decided within weeks, but check, as for ${subscriptionRule}.`,
  },
  {
    id: 'legal-notices-until-sent',
    workflows: ['subscriptionWorkflow'],
    change:
      'Messages the law requires (approval, renewal, cancellation acknowledgement) are tried until sent, staff told after each round, instead of being dropped after two days.',
    added: { commit: 'df1550a', on: '2026-12-05' },
    retireWhen: `${subscriptionRule}.`,
  },
  {
    id: 'undelivered-notices-reported',
    workflows: ['subscriptionWorkflow'],
    change: 'A notice given up puts an incident in the staff inbox instead of only a log line.',
    added: { commit: 'df1550a', on: '2026-12-05' },
    retireWhen: `${subscriptionRule}.`,
  },
  {
    id: 'charge-amount-fixed-before-call',
    workflows: ['invoicePayment'],
    change:
      'Each attempt’s amount and idempotency key are fixed together before the first call to Stripe and sent alike by every retry; a payment recorded before the charge reached Stripe fixes a new attempt under a new key.',
    added: { commit: 'e89a838', on: '2026-12-05' },
    retireWhen: `${paymentRule}; chargeInvoice may then require \`fixed\`.`,
  },
  {
    id: 'stripe-success-of-unknown-intent-recorded',
    workflows: ['invoicePayment'],
    change:
      'A payment_intent.succeeded about a PaymentIntent no attempt knows is recorded on the invoice instead of dropped.',
    added: { commit: 'e89a838', on: '2026-12-05' },
    retireWhen: `${paymentRule}.`,
  },
  {
    id: 'household-left-out-on-bad-data',
    workflows: ['billingRun'],
    change:
      'A household whose data cannot be billed is left out of the month’s run and reported to staff; the others are billed.',
    added: { commit: '525ed2b', on: '2026-12-05' },
    retireWhen: `${billingRule}.`,
  },
  {
    id: 'undelivered-payment-notices-reported',
    workflows: ['invoicePayment'],
    change: 'A payment notice given up puts an incident in the staff inbox instead of only a log line.',
    added: { commit: '525ed2b', on: '2026-12-05' },
    retireWhen: `${paymentRule}.`,
  },
  {
    id: 'application-acknowledged',
    workflows: ['subscriptionWorkflow'],
    change:
      'An application made online (input `acknowledge`) sends the member an acknowledgement (application-received) at once, before staff decide.',
    added: { commit: '5d551b3', on: '2026-12-05' },
    retireWhen: `no subscriptionWorkflow run started before that day is still pending a decision or its first record: applications are decided within weeks, but check, as for ${subscriptionRule}.`,
  },
  {
    id: 'cutoff-last-day-included',
    workflows: ['subscriptionWorkflow'],
    change:
      'A delivery can be changed until the end of its last day, included (the garden’s notice counted in whole days, the cutoff at the garden’s midnight); runs started before keep exactly the garden’s hours before the day’s midnight.',
    added: { commit: '82da801', on: '2026-12-05' },
    retireWhen: `${subscriptionRule}.`,
  },
  {
    id: 'week-plans-rounds',
    workflows: ['weekPreparation'],
    change:
      'Once its baskets are planned, the week starts the round of each delivery day (gardens with vehicles), and tells the running rounds when it plans baskets again.',
    added: { commit: 'e2f4490', on: '2026-12-06' },
    retireWhen:
      'no weekPreparation run started before that day is still open: a week runs until its last day is over (two weeks at most).',
  },
  {
    id: 'round-late-marks',
    workflows: ['deliveryRound'],
    change:
      'After the evening report, an approved round hears of the marks a phone could not send before for two more days: the member of a missed basket is told, and the day is reported again (mailed when its figures change).',
    added: { commit: 'e9881f6', on: '2026-12-06' },
    retireWhen:
      'no deliveryRound run started before that day is still open: a round ends on its evening (runs started before the patch do not wait for late marks).',
  },
  {
    id: 'erasure-purges-histories-again',
    workflows: ['memberErasure'],
    change:
      'After erasing a member and telling them, the process waits a few days (`historiesPurgedAgainAfterDays`) and purges the histories of their processes again: a run the archiver wrote meanwhile, a data export closed since.',
    added: { commit: 'c7be00c', on: '2026-12-07' },
    retireWhen:
      'no memberErasure run started before that day is still open: a request waits for staff (the law gives them a month, but check, do not assume), then ends the day the member is erased or told of a refusal.',
  },
  {
    id: 'retention-purges-histories-again',
    workflows: ['retentionSweep'],
    change:
      'After its rules, the nightly sweep purges again the histories of the members the inactive-member rule erased days before (`historiesPurgedAgainAfterDays`), and reports it (`historiesPurgedAgain`).',
    added: { commit: '124de8a', on: '2026-12-07' },
    retireWhen: 'no retentionSweep run started before that day is still open: a run lasts minutes.',
  },
];

import Type from 'typebox';
import { addDays, gardenDay, gardenTimeZone, isoWeekday, type IsoDate } from './calendar.ts';
import { startOfDayIn } from './delivery-calendar.ts';
import { isoWeek } from './iso-weeks.ts';
import type { Localized } from './locale.ts';
import { retention, type RetentionKind } from './retention.ts';

/**
 * The nightly retention sweep of a garden: which of the periods of `retention.ts` it applies,
 * where each period ends on a given night, and the report of what it did. The periods
 * themselves live in `retention.ts` only (the register of processing activities prints the
 * same ones).
 */

/** The rules the sweep applies, in the order it runs them. */
export const sweptKinds = [
  'notificationLog',
  'signingSheets',
  'deliveryRounds',
  'staffActionLog',
  'inactiveMember',
] as const satisfies readonly RetentionKind[];
export type SweptKind = (typeof sweptKinds)[number];

/** What each rule removes, for people reading a report. */
export const sweptKindLabels: Readonly<Record<SweptKind, Localized>> = {
  notificationLog: { fr: 'Journal des e-mails et SMS envoyés', en: 'Log of emails and text messages sent' },
  signingSheets: {
    fr: "Feuilles d'émargement et listes de livraison à domicile",
    en: 'Depot signing sheets and home-delivery lists',
  },
  deliveryRounds: {
    fr: 'Tournées de livraison (arrêts, pointages, photos)',
    en: 'Delivery rounds (stops, driver marks, photos)',
  },
  staffActionLog: {
    fr: "Origine des actions de l'équipe (adresse IP, navigateur)",
    en: 'Origin of staff actions (IP address, browser)',
  },
  inactiveMember: { fr: 'Adhérents inactifs', en: 'Inactive members' },
};

/**
 * The day `months` months before `day`, the same day of the month, or the month's last day when
 * it has no such day (29 February a year back is 28 February).
 */
export function monthsBefore(day: IsoDate, months: number): IsoDate {
  const [year, month, dayOfMonth] = day.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) - months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${targetYear}-${pad(targetMonth + 1)}-${pad(Math.min(dayOfMonth, lastDay))}`;
}

/** Where a rule's period ends on the night of a run. */
export interface RetentionCutoff {
  kind: SweptKind;
  /** The period (`retention[kind].months`). */
  months: number;
  then: 'delete' | 'anonymise';
  /**
   * The first day kept, garden time: what belongs to an earlier day has been kept its whole
   * period and goes. A record of 7 December 2025 is kept through 7 December 2026 and goes in
   * the night of the 8th.
   */
  keepFrom: IsoDate;
  /** The instant `keepFrom` starts in the garden's time zone: what was made before it goes. */
  keepFromInstant: string;
}

/** Where the rule's period ends for a run at `ranAt` in a garden of `timeZone`. */
export function retentionCutoff(kind: SweptKind, ranAt: Date, timeZone = gardenTimeZone): RetentionCutoff {
  const rule = retention[kind];
  const keepFrom = monthsBefore(gardenDay(ranAt, timeZone), rule.months);
  return {
    kind,
    months: rule.months,
    then: rule.then,
    keepFrom,
    keepFromInstant: startOfDayIn(keepFrom, timeZone).toISOString(),
  };
}

/** Every swept rule's cutoff for one run. */
export function retentionCutoffs(ranAt: Date, timeZone = gardenTimeZone): Record<SweptKind, RetentionCutoff> {
  return Object.fromEntries(
    sweptKinds.map((kind) => [kind, retentionCutoff(kind, ranAt, timeZone)]),
  ) as Record<SweptKind, RetentionCutoff>;
}

/**
 * The last ISO week wholly before `keepFrom`: its Sunday, its last possible delivery, is before
 * the first day kept. A week's documents go once every delivery they serve has had its period.
 */
export function lastWeekBefore(keepFrom: IsoDate): string {
  const dayBefore = addDays(keepFrom, -1);
  return isoWeek(addDays(dayBefore, -(isoWeekday(dayBefore) % 7)));
}

// ---- Inactive members ----

/** Subscription states in which the member still deals with the garden, whatever the dates. */
const ongoingSubscriptionStatuses: ReadonlySet<string> = new Set([
  'pending',
  'waitlisted',
  'active',
  'paused',
]);

/** What tells whether a member still deals with the garden: their record, subscriptions, invoices, own acts. */
export interface MemberActivity {
  member: { createdAt?: unknown; updatedAt?: unknown };
  subscriptions: ReadonlyArray<{
    status?: unknown;
    startDate?: unknown;
    endDate?: unknown;
    updatedAt?: unknown;
  }>;
  invoices: ReadonlyArray<{ status?: unknown; issuedOn?: unknown; payments?: unknown }>;
  /** Instants of the member's own acts recorded elsewhere: consents given or withdrawn, terms accepted. */
  otherActs: readonly unknown[];
}

/** The garden day of a stored date ("2026-12-07") or instant ("2026-12-07T08:00:00.000Z"), if it is one. */
function dayOf(value: unknown, timeZone: string): IsoDate | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : gardenDay(new Date(time), timeZone);
}

/**
 * Whether a member is still in a relationship with the garden whatever the dates: a
 * subscription not over (applied, waiting, running, paused), or an invoice still open.
 */
export function hasOngoingRelationship(activity: MemberActivity): boolean {
  return (
    activity.subscriptions.some((subscription) =>
      ongoingSubscriptionStatuses.has(String(subscription.status)),
    ) || activity.invoices.some((invoice) => invoice.status === 'open')
  );
}

/**
 * The last garden day the member did anything the garden recorded: their record made or
 * changed, a subscription that began, ended or changed, an invoice issued or paid, a consent.
 * `undefined` when no date in it can be read (a malformed record).
 */
export function lastActivityDay(activity: MemberActivity, timeZone = gardenTimeZone): IsoDate | undefined {
  const days: Array<IsoDate | undefined> = [
    dayOf(activity.member.createdAt, timeZone),
    dayOf(activity.member.updatedAt, timeZone),
    ...activity.subscriptions.flatMap((subscription) => [
      dayOf(subscription.startDate, timeZone),
      dayOf(subscription.endDate, timeZone),
      dayOf(subscription.updatedAt, timeZone),
    ]),
    ...activity.invoices.flatMap((invoice) => [
      dayOf(invoice.issuedOn, timeZone),
      ...(Array.isArray(invoice.payments)
        ? invoice.payments.map((payment: { receivedOn?: unknown } | undefined) =>
            dayOf(payment?.receivedOn, timeZone),
          )
        : []),
    ]),
    ...activity.otherActs.map((act) => dayOf(act, timeZone)),
  ];
  let last: IsoDate | undefined;
  for (const day of days) if (day !== undefined && (last === undefined || day > last)) last = day;
  return last;
}

/**
 * A member is inactive when nothing ties them to the garden any more and their last activity
 * is before the rule's first day kept (`retention.inactiveMember`: 3 years). `undefined` when
 * it cannot be told (no readable date).
 */
export function isInactiveMember(
  activity: MemberActivity,
  cutoff: Pick<RetentionCutoff, 'keepFrom'>,
  timeZone = gardenTimeZone,
): boolean | undefined {
  if (hasOngoingRelationship(activity)) return false;
  const last = lastActivityDay(activity, timeZone);
  return last === undefined ? undefined : last < cutoff.keepFrom;
}

// ---- The report ----

/** Problems named in a rule's report at most (the count is always whole). */
export const problemsKept = 10;

export const RetentionRuleOutcome = Type.Object({
  kind: Type.Enum([...sweptKinds]),
  /** `list`: due records found and left for another step (inactive members, until their anonymisation is wired). */
  action: Type.Enum(['delete', 'anonymise', 'list']),
  keepFrom: Type.String({ description: 'The first day kept (garden time): what is older was due.' }),
  removed: Type.Integer({ minimum: 0, description: 'Records deleted or anonymised.' }),
  listed: Type.Integer({ minimum: 0, description: 'Records found due and left for another step.' }),
  errors: Type.Integer({
    minimum: 0,
    description: 'Records that could not be handled (malformed): left as they are.',
  }),
  problems: Type.Array(Type.String(), {
    description: 'The first problems met, each naming a record by its key (no personal data).',
  }),
  outcome: Type.Enum(['done', 'unfinished', 'failed'], {
    description:
      '`unfinished`: the run stopped after its page budget, the next night goes on; `failed`: the rule failed after its retries (staff were told).',
  }),
});
export type RetentionRuleOutcome = Type.Static<typeof RetentionRuleOutcome>;

/**
 * The histories of members the inactive-member rule erased days before, purged again (as a
 * request's erasure does): a run the archiver wrote meanwhile, a data export closed since.
 */
export const HistoriesPurgedAgain = Type.Object({
  members: Type.Integer({ minimum: 0, description: 'Erased members whose histories were purged again.' }),
  runs: Type.Integer({ minimum: 0, description: 'Runs deleted from Temporal and archived copies from S3.' }),
  errors: Type.Integer({ minimum: 0, description: 'Members whose purge failed or left a process open.' }),
  problems: Type.Array(Type.String(), { description: 'The first problems met (ids only).' }),
  outcome: Type.Enum(['done', 'unfinished', 'failed']),
});
export type HistoriesPurgedAgain = Type.Static<typeof HistoriesPurgedAgain>;

export const RetentionReport = Type.Object({
  gardenId: Type.String(),
  ranAt: Type.String({ description: 'When the run started (its clock fixes every cutoff).' }),
  timeZone: Type.String(),
  rules: Type.Array(RetentionRuleOutcome),
  historiesPurgedAgain: Type.Optional(HistoriesPurgedAgain),
});
export type RetentionReport = Type.Static<typeof RetentionReport>;

/** What one page of a rule's work did. */
export interface RetentionPage {
  removed: number;
  listed?: number;
  errors: number;
  problems: readonly string[];
}

/** A rule's report before its first page. */
export function startedOutcome(
  cutoff: RetentionCutoff,
  action: RetentionRuleOutcome['action'] = cutoff.then,
): RetentionRuleOutcome {
  return {
    kind: cutoff.kind,
    action,
    keepFrom: cutoff.keepFrom,
    removed: 0,
    listed: 0,
    errors: 0,
    problems: [],
    outcome: 'done',
  };
}

/** The rule's report with one more page counted in. */
export function withPage(outcome: RetentionRuleOutcome, page: RetentionPage): RetentionRuleOutcome {
  return {
    ...outcome,
    removed: outcome.removed + page.removed,
    listed: outcome.listed + (page.listed ?? 0),
    errors: outcome.errors + page.errors,
    problems: [...outcome.problems, ...page.problems].slice(0, problemsKept),
  };
}

/** Nothing purged again yet: where a run starts. */
export const noHistoriesPurgedAgain: HistoriesPurgedAgain = {
  members: 0,
  runs: 0,
  errors: 0,
  problems: [],
  outcome: 'done',
};

/** The purge's report with one more page counted in. */
export function withHistoriesPage(
  done: HistoriesPurgedAgain,
  page: { members: number; runs: number; errors: number; problems: readonly string[] },
): HistoriesPurgedAgain {
  return {
    ...done,
    members: done.members + page.members,
    runs: done.runs + page.runs,
    errors: done.errors + page.errors,
    problems: [...done.problems, ...page.problems].slice(0, problemsKept),
  };
}

/** The run in one sentence per language, for logs and the Temporal UI. */
export function retentionSummary(report: RetentionReport): Localized {
  const parts = report.rules.map((rule) => {
    const label = sweptKindLabels[rule.kind];
    const state = {
      done: { fr: '', en: '' },
      unfinished: { fr: ' (à suivre la nuit prochaine)', en: ' (continued next night)' },
      failed: { fr: ' (en échec)', en: ' (failed)' },
    }[rule.outcome];
    const listed =
      rule.listed > 0 ? { fr: `, ${rule.listed} repérés`, en: `, ${rule.listed} found` } : { fr: '', en: '' };
    return {
      fr: `${label.fr} : ${rule.removed} traités${listed.fr}, ${rule.errors} erreurs${state.fr}`,
      en: `${label.en}: ${rule.removed} handled${listed.en}, ${rule.errors} errors${state.en}`,
    };
  });
  const again = report.historiesPurgedAgain;
  if (again && (again.members > 0 || again.errors > 0 || again.outcome !== 'done')) {
    const failed = again.outcome === 'failed' ? { fr: ' (en échec)', en: ' (failed)' } : { fr: '', en: '' };
    parts.push({
      fr: `historiques des adhérents effacés purgés à nouveau : ${again.members}, ${again.errors} erreurs${failed.fr}`,
      en: `histories of erased members purged again: ${again.members}, ${again.errors} errors${failed.en}`,
    });
  }
  return {
    fr: `Durées de conservation, jardin ${report.gardenId} : ${parts.map((part) => part.fr).join(' ; ')}.`,
    en: `Retention, garden ${report.gardenId}: ${parts.map((part) => part.en).join('; ')}.`,
  };
}

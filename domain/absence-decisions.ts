import { isIsoDate, type IsoDate } from './calendar.ts';
import { seasonOf, type DeliveryCalendar } from './delivery-calendar.ts';
import { seasonLimitRefusal, termsOn, type AbsencePolicyCheck } from './delivery-schedule.ts';
import type { AbsencePolicyInput } from './extensions/absence-policy.ts';
import type { GardenRules } from './garden-rules.ts';
import type { Localized } from './locale.ts';
import { absenceOutcomes, type AbsenceOutcome, type Subscription } from './subscription.ts';

/**
 * What the garden's absence-policy extension decided for one day of a report, as the API asked
 * it before sending the report to the subscription (the decision travels in the Update's
 * arguments, so the workflow's history holds it and replay never asks the module again).
 */
export interface AbsenceDecision {
  date: IsoDate;
  decision: 'refused' | 'donated' | 'compensated' | 'credited';
  /** What the member is told (a refusal's reason). */
  reason: Localized;
  /** The version that decided. */
  extension?: { name: string; version: string };
}

const allowing = new Set(['donated', 'compensated', 'credited']);

function isLocalized(value: unknown): value is Localized {
  const text = value as Partial<Localized> | null;
  return (
    typeof text === 'object' &&
    text !== null &&
    typeof text.fr === 'string' &&
    typeof text.en === 'string' &&
    text.fr.length > 0 &&
    text.en.length > 0
  );
}

/**
 * The policy check of a report that carries decisions: a day the extension refused is refused
 * with its words; a day it allowed is taken (beyond the season's maximum if it says so); a day
 * without a usable decision keeps the garden's rules (`seasonLimitRefusal`). The facts (a
 * delivery that day, not too late, not paused) are checked before, whatever was decided.
 *
 * What becomes of the basket is the decision itself (`decidedOutcomes`): each absence is noted
 * with its outcome (`Absence.outcome`), donated, compensated or credited, and keeps it whatever
 * the garden's rule becomes. The schedule owes an extra basket for each compensated one; billing
 * credits each credited one (`domain/billing-credits.ts`). A day without a decision takes the
 * garden's rule (`rules.absencePolicy`).
 */
export function decidedPolicy(
  decisions: readonly AbsenceDecision[],
  rules: Pick<GardenRules, 'maxAbsencesPerSeason'>,
): AbsencePolicyCheck {
  return (day, taken) => {
    const decided = decisions.find((candidate) => candidate?.date === day);
    if (decided?.decision === 'refused' && isLocalized(decided.reason)) {
      return { fr: decided.reason.fr, en: decided.reason.en };
    }
    if (decided && allowing.has(decided.decision)) return undefined;
    return seasonLimitRefusal(taken, rules);
  };
}

/**
 * What becomes of the basket of each day a report's decisions allowed (by date); the days
 * without a usable decision are left to the garden's rule.
 */
export function decidedOutcomes(
  decisions: readonly AbsenceDecision[] | undefined,
): Partial<Record<IsoDate, AbsenceOutcome>> {
  const outcomes: Partial<Record<IsoDate, AbsenceOutcome>> = {};
  // From an Update's arguments: anything may come, checked before it is used.
  const list: ReadonlyArray<AbsenceDecision | null | undefined> = Array.isArray(decisions) ? decisions : [];
  for (const decided of list) {
    if (!decided || typeof decided.date !== 'string' || !isIsoDate(decided.date)) continue;
    const outcome = absenceOutcomes.find((candidate) => candidate === decided.decision);
    if (outcome && !Object.hasOwn(outcomes, decided.date)) outcomes[decided.date] = outcome;
  }
  return outcomes;
}

/**
 * The absence-policy hook's input for each day of a report that falls in a season (a day in
 * no season is refused on the facts, without asking the extension): the subscription's terms
 * that day, its season, the absences already noted in it plus the report's earlier days, the
 * garden's rules and billing. Nothing that names the household.
 */
export function absencePolicyInputs(
  subscription: Pick<
    Subscription,
    'startDate' | 'depotId' | 'basketSize' | 'frequency' | 'changes' | 'absences'
  >,
  calendar: Pick<DeliveryCalendar, 'seasons'>,
  rules: Pick<GardenRules, 'maxAbsencesPerSeason' | 'absencePolicy'>,
  billing: AbsencePolicyInput['billing'],
  dates: readonly IsoDate[],
): Array<{ date: IsoDate; input: AbsencePolicyInput }> {
  const noted = (subscription.absences ?? []).map((absence) => absence.date);
  const inputs: Array<{ date: IsoDate; input: AbsencePolicyInput }> = [];
  for (const date of [...new Set(dates)].sort()) {
    const season = isIsoDate(date) ? seasonOf(calendar, date) : undefined;
    if (season) {
      const terms = termsOn(subscription, date);
      inputs.push({
        date,
        input: {
          date,
          basketSize: terms.basketSize,
          frequency: subscription.frequency,
          depotId: terms.depotId,
          season: { start: season.start, end: season.end },
          absencesThisSeason: noted
            .filter((day) => season.start <= day && day <= season.end && day !== date)
            .sort()
            .slice(-400),
          rules: {
            maxAbsencesPerSeason: Math.min(Math.max(rules.maxAbsencesPerSeason, 0), 52),
            absencePolicy: rules.absencePolicy,
          },
          billing,
        },
      });
    }
    noted.push(date);
  }
  return inputs;
}

import Type from 'typebox';
import { seasonLimitRefusal } from '../delivery-schedule.ts';
import { absencePolicyLabels, type GardenRules } from '../garden-rules.ts';
import { DepotId } from '../ids.ts';
import { basketSizes, frequencies } from '../subscription.ts';
import { HookDay, HookText } from './hook-text.ts';

/**
 * Hook `absence-policy`: whether an absence is allowed, and what becomes of the basket
 * (donated, made up for with an extra basket, or credited on the next invoice). Called after
 * the facts are checked (a delivery that day, not too late, not paused: `absenceRefusal`),
 * which no extension can change; the garden's own policy, the season's maximum and what
 * becomes of the basket, is what the hook decides.
 */
export const absencePolicyHook = { name: 'absence-policy', version: 1 } as const;

/** The garden's own rules for an absent basket, as the hook's input carries them. */
export const gardenAbsencePolicies = ['donated', 'compensated', 'credited'] as const;

/** What becomes of an absent member's basket, or `refused`. */
export const absenceDecisions = ['refused', 'donated', 'compensated', 'credited'] as const;

export const AbsencePolicyInput = Type.Object(
  {
    /** The delivery day the member will miss. */
    date: HookDay,
    /** The subscription's terms that day. */
    basketSize: Type.Enum([...basketSizes]),
    frequency: Type.Enum([...frequencies]),
    depotId: DepotId,
    /** The season the day belongs to. */
    season: Type.Object({ start: HookDay, end: HookDay }, { additionalProperties: false }),
    /** Absences already noted this season (this one not counted). */
    absencesThisSeason: Type.Array(HookDay, { maxItems: 400 }),
    /** The garden's settings: its maximum per season and what it does with an absent basket. */
    rules: Type.Object(
      {
        maxAbsencesPerSeason: Type.Integer({ minimum: 0, maximum: 52 }),
        /**
         * The garden's rule (`GardenRules.absencePolicy`). `credited` came within version 1:
         * a module that does not know a value answers with its own rule, or fails and the
         * built-in behaviour answers with the garden's (extensions/README.md, « Versions »).
         */
        absencePolicy: Type.Enum([...gardenAbsencePolicies]),
      },
      { additionalProperties: false },
    ),
    /** `monthly`: only baskets delivered are billed; `season`: the season is paid ahead. */
    billing: Type.Enum(['monthly', 'season']),
  },
  { additionalProperties: false },
);
export type AbsencePolicyInput = Type.Static<typeof AbsencePolicyInput>;

export const AbsencePolicyOutput = Type.Object(
  {
    /**
     * `refused`: the absence is not taken; `donated`: the basket goes to a partner charity;
     * `compensated`: an extra basket comes with the next delivery; `credited`: the basket's
     * price is taken off the next invoice.
     */
    decision: Type.Enum([...absenceDecisions]),
    /** What the member is told: why it is refused, or what becomes of the basket. */
    reason: HookText,
  },
  { additionalProperties: false },
);
export type AbsencePolicyOutput = Type.Static<typeof AbsencePolicyOutput>;

/** Without an extension, today's rules: the season's maximum, then the garden's absence policy. */
export function builtInAbsencePolicy(input: AbsencePolicyInput): AbsencePolicyOutput {
  const taken = input.absencesThisSeason.filter(
    (day) => input.season.start <= day && day <= input.season.end && day !== input.date,
  ).length;
  const refusal = seasonLimitRefusal(taken, input.rules);
  if (refusal) return { decision: 'refused', reason: { fr: refusal.fr, en: refusal.en } };
  const policy: GardenRules['absencePolicy'] = input.rules.absencePolicy;
  return {
    decision: policy,
    reason: { fr: absencePolicyLabels[policy].fr, en: absencePolicyLabels[policy].en },
  };
}

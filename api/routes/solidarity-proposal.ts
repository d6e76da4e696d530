import { Value } from 'typebox/value';
import type { Pricing } from '../../domain/pricing.ts';
import type { BasketSize, Frequency, SignUpAnswers, SolidarityProposal } from '../../domain/subscription.ts';
import {
  builtInSolidarityPrice,
  solidarityAnswerRefusal,
  solidarityPriceHook,
  SolidarityPriceOutput,
  type SolidarityPriceInput,
} from '../../domain/extensions/solidarity-price.ts';
import type { App } from '../app.ts';

/** What the garden knows of a household when a tier is proposed for it. */
export interface HouseholdFacts {
  basketSize: BasketSize;
  frequency: Frequency;
  householdSize?: number | undefined;
  quotientFamilial?: number | undefined;
  answers?: SignUpAnswers | undefined;
  /** The tier staff already gave the household, if any. */
  currentTierId?: string | undefined;
}

/** The hook's input: what it needs of the household and the garden's prices, no name or address. */
export function solidarityPriceInputOf(facts: HouseholdFacts, pricing: Pricing): SolidarityPriceInput {
  const answers = Object.fromEntries(
    Object.entries(facts.answers ?? {}).filter(([key]) => key.length <= 40),
  ) as Record<string, string | number | boolean>;
  return {
    basketSize: facts.basketSize,
    frequency: facts.frequency,
    household: {
      ...(facts.householdSize === undefined ? {} : { size: facts.householdSize }),
      ...(facts.quotientFamilial === undefined ? {} : { quotientFamilial: facts.quotientFamilial }),
      ...(Object.keys(answers).length > 0 ? { answers } : {}),
    },
    ...(facts.currentTierId ? { currentTierId: facts.currentTierId } : {}),
    prices: { basketPrices: pricing.basketPrices, solidarityTiers: pricing.solidarityTiers },
  };
}

/**
 * The tier and price proposed for a household: the garden's solidarity-price extension, or the
 * built-in behaviour (no extension, the extension failed, or its tier is not one of the
 * garden's: then counted as a failure of that version, as the runner counts its own). A
 * proposal only: staff give tiers.
 */
export async function proposeSolidarityPrice(
  app: Pick<App, 'extensions' | 'now'>,
  gardenId: string,
  facts: HouseholdFacts,
  pricing: Pricing,
): Promise<SolidarityProposal> {
  const input = solidarityPriceInputOf(facts, pricing);
  const kept = facts.quotientFamilial === undefined ? {} : { quotientFamilial: facts.quotientFamilial };
  if (!app.extensions) return { ...builtInSolidarityPrice(input), ...kept, source: 'built-in' };
  let answer: Awaited<ReturnType<typeof app.extensions.runner.runHook>>;
  try {
    answer = await app.extensions.runner.runHook(gardenId, solidarityPriceHook.name, input);
  } catch (error) {
    // The garden's active set could not be read (S3 unreachable…): a proposal never stops an
    // application nor staff's form; the built-in behaviour answers and says why.
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...builtInSolidarityPrice(input),
      ...kept,
      source: 'built-in',
      failure: { kind: 'unavailable', message },
    };
  }
  const extension = answer.extension ? { extension: answer.extension } : {};
  if (answer.failure) {
    // The runner answered with the built-in behaviour, and counted the failure.
    const output = Value.Check(SolidarityPriceOutput, answer.output)
      ? answer.output
      : builtInSolidarityPrice(input);
    return { ...output, ...kept, source: 'built-in', ...extension, failure: answer.failure };
  }
  const output = answer.output;
  const refusal = Value.Check(SolidarityPriceOutput, output)
    ? solidarityAnswerRefusal(input, output)
    : 'the answer does not match the hook’s output schema';
  if (refusal === undefined && Value.Check(SolidarityPriceOutput, output)) {
    return { ...output, ...kept, source: answer.source, ...extension };
  }
  const failure = { kind: 'invalid-output', message: refusal ?? 'invalid output' };
  if (answer.extension) {
    // The module answered, but not something the garden can use: counted against its version.
    await app.extensions.catalogue.records
      .addCalls(gardenId, answer.extension.name, answer.extension.version, {
        calls: 0,
        failures: 1,
        byKind: { [failure.kind]: 1 },
        lastFailure: { ...failure, hook: solidarityPriceHook.name, at: app.now().toISOString() },
      })
      .catch(() => undefined);
  }
  return { ...builtInSolidarityPrice(input), ...kept, source: 'built-in', ...extension, failure };
}

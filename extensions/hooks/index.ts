// The extension points (hooks): each a name, a version, the JSON Schemas of its input and
// output, and what it does when the garden has no extension for it (pure, in domain/extensions).
// A module implements a hook by exporting a function named after it with "-" turned into "_".
// The schemas are also written out as JSON, one folder per hook (`<name>/input.schema.json`,
// `<name>/output.schema.json`), for developers in any language: `write-schemas.ts` writes them
// and hooks.test.ts checks they are current.
import type { TSchema } from 'typebox';
import type { HookLimits } from '../../domain/extensions/catalogue.ts';
import {
  absencePolicyHook,
  AbsencePolicyInput,
  AbsencePolicyOutput,
  builtInAbsencePolicy,
} from '../../domain/extensions/absence-policy.ts';
import {
  accountingExportHook,
  AccountingExportInput,
  AccountingExportOutput,
  builtInAccountingExport,
} from '../../domain/extensions/accounting-export.ts';
import {
  basketCompositionHook,
  BasketCompositionInput,
  BasketCompositionOutput,
  builtInBasketComposition,
} from '../../domain/extensions/basket-composition.ts';
import {
  builtInSignUpChecks,
  signUpChecksHook,
  SignUpChecksInput,
  SignUpChecksOutput,
} from '../../domain/extensions/sign-up-checks.ts';
import {
  builtInSolidarityPrice,
  solidarityPriceHook,
  SolidarityPriceInput,
  SolidarityPriceOutput,
} from '../../domain/extensions/solidarity-price.ts';

export interface Hook<Input = unknown, Output = unknown> {
  name: string;
  /** Raised when a module written for it could no longer read its input or be understood (extensions/README.md, « Versions »). */
  version: number;
  /** The function a module exports for it: the name with "-" turned into "_". */
  exportName: string;
  /** One line for people: what it decides and where it is called. */
  summary: string;
  input: TSchema;
  output: TSchema;
  /** What happens without an extension, or when the extension fails (timeout, trap, invalid output). */
  builtIn: (input: Input) => Output;
  /** Its own limits of a call, where the host's defaults are too small for it. */
  limits?: HookLimits;
}

function hook<Input, Output>(
  contract: { name: string; version: number; limits?: HookLimits },
  summary: string,
  input: TSchema,
  output: TSchema,
  builtIn: (input: Input) => Output,
): Hook<Input, Output> {
  return { ...contract, exportName: contract.name.replaceAll('-', '_'), summary, input, output, builtIn };
}

export const hooks = {
  'solidarity-price': hook(
    solidarityPriceHook,
    'From the household data the garden collects, the tier or the price it pays (at sign-up, and when staff assign tiers).',
    SolidarityPriceInput,
    SolidarityPriceOutput,
    builtInSolidarityPrice,
  ),
  'sign-up-checks': hook(
    signUpChecksHook,
    "The application form's extra fields and the garden's own rules about an application (in the browser and on the server).",
    SignUpChecksInput,
    SignUpChecksOutput,
    builtInSignUpChecks,
  ),
  'basket-composition': hook(
    basketCompositionHook,
    "From the week's harvest estimate and the baskets to fill, a proposed composition that staff edit and approve.",
    BasketCompositionInput,
    BasketCompositionOutput,
    builtInBasketComposition,
  ),
  'absence-policy': hook(
    absencePolicyHook,
    'Whether an absence is allowed, and whether its basket is donated, made up for or credited.',
    AbsencePolicyInput,
    AbsencePolicyOutput,
    builtInAbsencePolicy,
  ),
  'accounting-export': hook(
    accountingExportHook,
    "The payments of a range of months as the file the garden's accounting software imports.",
    AccountingExportInput,
    AccountingExportOutput,
    builtInAccountingExport,
  ),
} as const;

export type HookName = keyof typeof hooks;
export const hookNames = Object.keys(hooks) as HookName[];

export function isHookName(name: string): name is HookName {
  return Object.hasOwn(hooks, name);
}

/**
 * A hook's schema as a standalone JSON Schema document (draft-07, which Ajv's default class
 * reads without setup), as written in `<name>/input.schema.json` and `<name>/output.schema.json`.
 */
export function schemaDocument(name: HookName, side: 'input' | 'output'): Record<string, unknown> {
  const current = hooks[name];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://cocagne.example/extensions/hooks/${name}/v${current.version}/${side}.schema.json`,
    title: `${name} v${current.version}: ${side}`,
    // A JSON round trip keeps exactly what a validator in another language would read.
    ...(JSON.parse(JSON.stringify(current[side])) as Record<string, unknown>),
  };
}

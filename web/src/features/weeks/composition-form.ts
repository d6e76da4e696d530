import { Value } from 'typebox/value';
import {
  CompositionInput,
  CompositionLine,
  harvestTotals,
  type BasketCounts,
} from '../../../../domain/delivery-week.ts';
import type { Locale } from '../../../../domain/locale.ts';
import type { Product } from '../../../../domain/products.ts';
import { basketSizes, type BasketSize } from '../../../../domain/subscription.ts';
import { schemaIssues } from '../../../../domain/validation.ts';
import { numberOf, relabel } from '../../forms/issues.ts';

/** One line of a basket as typed: a product, and a quantity in its unit ("0,5"). */
export interface CompositionLineModel {
  /** Stable for the screen (Vue's key, the inputs' ids). */
  key: string;
  productId: string;
  quantity: string;
}

export type CompositionFormModel = Record<BasketSize, CompositionLineModel[]>;

let lastKey = 0;

export function newLine(productId = '', quantity = ''): CompositionLineModel {
  lastKey += 1;
  return { key: `line-${lastKey}`, productId, quantity };
}

/** A quantity as people read it: "0,5" in French. */
export function quantityText(quantity: number, locale: Locale): string {
  const text = String(quantity);
  return locale === 'fr' ? text.replace('.', ',') : text;
}

export function compositionFormOf(
  baskets: CompositionInput | undefined,
  locale: Locale,
): CompositionFormModel {
  const form = { small: [], medium: [], large: [] } as CompositionFormModel;
  for (const size of basketSizes) {
    form[size] = (baskets?.[size] ?? []).map((line) =>
      newLine(line.productId, quantityText(line.quantity, locale)),
    );
  }
  return form;
}

/** The lines that already make sense (a product, a positive quantity): what the totals count as one types. */
export function completeComposition(form: CompositionFormModel): CompositionInput {
  const complete = { small: [], medium: [], large: [] } as CompositionInput;
  for (const size of basketSizes) {
    complete[size] = form[size].flatMap((line) => {
      const quantity = numberOf(line.quantity);
      return line.productId && typeof quantity === 'number' && quantity > 0
        ? [{ productId: line.productId, quantity }]
        : [];
    });
  }
  return complete;
}

/** What to harvest for the week's baskets with the composition as typed so far. */
export function liveHarvest(
  form: CompositionFormModel,
  counts: BasketCounts,
  products: ReadonlyMap<string, Pick<Product, 'name' | 'unit'>>,
) {
  return harvestTotals(completeComposition(form), counts, products);
}

/** A refused line: which basket, which line, which field. */
export interface LineIssue {
  size: BasketSize;
  key: string;
  field: 'productId' | 'quantity';
  message: string;
}

export interface CompositionWords {
  labels: Readonly<Record<string, string>>;
  /** "« Quantité » must be a number (for example 1,5)." */
  quantityNumber: string;
  /** "« Quantité » must be more than 0." */
  quantityPositive: string;
}

/**
 * Checks each line with the API's schema (one sentence beside the field it concerns), then the
 * whole composition (at most 40 lines a basket). Returns the input ready to send, or the issues.
 */
export function checkCompositionForm(
  form: CompositionFormModel,
  locale: Locale,
  words: CompositionWords,
): { ok: true; input: CompositionInput } | { ok: false; lines: LineIssue[]; general: string[] } {
  const lines: LineIssue[] = [];
  const candidate = { small: [], medium: [], large: [] } as Record<BasketSize, Record<string, unknown>[]>;
  for (const size of basketSizes) {
    for (const line of form[size]) {
      const quantity = numberOf(line.quantity);
      const value: Record<string, unknown> = { productId: line.productId };
      if (line.quantity.trim() !== '') value.quantity = quantity;
      candidate[size].push(value);
      if (typeof quantity === 'string' && quantity !== '') {
        lines.push({ size, key: line.key, field: 'quantity', message: words.quantityNumber });
      } else if (typeof quantity === 'number' && quantity <= 0) {
        lines.push({ size, key: line.key, field: 'quantity', message: words.quantityPositive });
      }
      if (Value.Check(CompositionLine, value)) continue;
      for (const issue of relabel(schemaIssues(CompositionLine, value, locale), words.labels)) {
        const field = issue.field === 'quantity' ? 'quantity' : 'productId';
        if (lines.some((known) => known.key === line.key && known.field === field)) continue;
        lines.push({ size, key: line.key, field, message: issue.message });
      }
    }
  }
  if (lines.length > 0) return { ok: false, lines, general: [] };
  if (!Value.Check(CompositionInput, candidate)) {
    const general = relabel(schemaIssues(CompositionInput, candidate, locale), words.labels).map(
      (issue) => issue.message,
    );
    return { ok: false, lines: [], general: [...new Set(general)] };
  }
  return { ok: true, input: candidate };
}

import { basketSizes, type BasketSize } from '../../../../domain/subscription.ts';
import { newLine, type CompositionFormModel } from './composition-form.ts';

/**
 * A week's composition as typed and not saved yet, kept in the browser (localStorage) as one
 * types: leaving the week's page, reloading it or closing the tab loses nothing. One draft per
 * garden, person and week; saving, or discarding the changes, removes it.
 */
export interface CompositionDraft {
  /** The saved composition's version the lines were typed on (undefined: none was saved). */
  baseVersion: number | undefined;
  /** Each basket's lines as typed: product id and quantity text ("0,5"). */
  lines: Record<BasketSize, [productId: string, quantity: string][]>;
}

export function draftKey(gardenId: string, userId: string, week: string): string {
  return `cocagne.composition-draft/${gardenId}/${userId}/${week}`;
}

export function draftOf(form: CompositionFormModel, baseVersion: number | undefined): CompositionDraft {
  const lines = { small: [], medium: [], large: [] } as CompositionDraft['lines'];
  for (const size of basketSizes) lines[size] = form[size].map((line) => [line.productId, line.quantity]);
  return { baseVersion, lines };
}

export function formOfDraft(draft: CompositionDraft): CompositionFormModel {
  const form = { small: [], medium: [], large: [] } as CompositionFormModel;
  for (const size of basketSizes) {
    form[size] = draft.lines[size].map(([productId, quantity]) => newLine(productId, quantity));
  }
  return form;
}

function isDraft(value: unknown): value is CompositionDraft {
  if (typeof value !== 'object' || value === null) return false;
  const { baseVersion, lines } = value as Record<string, unknown>;
  if (baseVersion !== undefined && typeof baseVersion !== 'number') return false;
  if (typeof lines !== 'object' || lines === null) return false;
  return basketSizes.every((size) => {
    const basket = (lines as Record<string, unknown>)[size];
    return (
      Array.isArray(basket) &&
      basket.every(
        (line) => Array.isArray(line) && line.length === 2 && line.every((part) => typeof part === 'string'),
      )
    );
  });
}

/** The draft kept for this key; undefined when there is none, or it cannot be read. */
export function readDraft(key: string): CompositionDraft | undefined {
  try {
    const text = window.localStorage.getItem(key);
    if (text === null) return undefined;
    const value: unknown = JSON.parse(text);
    return isDraft(value) ? value : undefined;
  } catch {
    // Storage refused (private mode, disabled) or a damaged entry: no draft.
    return undefined;
  }
}

/** Keeps the draft; false when the browser refuses to store it (the page then says nothing more). */
export function writeDraft(key: string, draft: CompositionDraft): boolean {
  try {
    window.localStorage.setItem(key, JSON.stringify(draft));
    return true;
  } catch {
    return false;
  }
}

export function removeDraft(key: string): void {
  try {
    window.localStorage.removeItem(key);
  } catch {
    // Nothing kept, nothing to remove.
  }
}

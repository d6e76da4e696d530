import type { PageDraftInput as DraftInput } from './garden-pages-api.ts';

/**
 * What an administrator typed in a page, kept in the tab (sessionStorage) from the moment it
 * is typed until the server has it: a closed tab, a lost connection or a refused save loses
 * nothing, and the editor offers it back when the page is opened again.
 */
export interface DraftCopy extends DraftInput {
  /** When it was typed (ISO), to say which copy it is. */
  typedAt: string;
}

const keyOf = (publisherKey: string, slug: string) => `cocagne.page-draft.${publisherKey}.${slug}`;

function isDraftCopy(value: unknown): value is DraftCopy {
  if (typeof value !== 'object' || value === null) return false;
  const copy = value as Record<string, unknown>;
  return typeof copy.title === 'string' && typeof copy.html === 'string' && typeof copy.typedAt === 'string';
}

export function readCopy(publisherKey: string, slug: string): DraftCopy | undefined {
  try {
    const stored = sessionStorage.getItem(keyOf(publisherKey, slug));
    if (!stored) return undefined;
    const parsed: unknown = JSON.parse(stored);
    return isDraftCopy(parsed) ? parsed : undefined;
  } catch {
    // Storage refused (private mode) or a copy from another version of the app: none.
    return undefined;
  }
}

/** Keeps the copy; false when the browser refuses (full or private): the page says so. */
export function keepCopy(publisherKey: string, slug: string, copy: DraftCopy): boolean {
  try {
    sessionStorage.setItem(keyOf(publisherKey, slug), JSON.stringify(copy));
    return true;
  } catch {
    return false;
  }
}

export function dropCopy(publisherKey: string, slug: string): void {
  try {
    sessionStorage.removeItem(keyOf(publisherKey, slug));
  } catch {
    // Nothing was kept.
  }
}

export const sameInput = (a: DraftInput | undefined, b: DraftInput | undefined) =>
  a !== undefined && b !== undefined && a.title === b.title && a.html === b.html;

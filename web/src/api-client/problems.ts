import { type ApiError, isApiError } from './request.ts';

/**
 * How the app fails, in one place (see web/README.md, "How stores fail").
 *
 * An `ApiError` is a problem people can meet: the API refused, or could not be reached. Its
 * sentence is already in a toast unless the call asked for `toast: false`. The screen keeps it
 * where people look (a store's `error`, a form's banner): `onProblem` puts it there (and may
 * move the focus to it), and the call answers undefined. Anything else is a bug in the app, and is thrown on.
 *
 * - Reads in a store never reject on an API error: the problem goes to the store's state.
 * - Writes in a store throw the ApiError (its `issues` belong beside the form's fields); the
 *   screen that asked runs the write through `orProblem` to show it.
 */
export async function orProblem<T>(
  call: () => Promise<T>,
  onProblem: (problem: ApiError) => void | Promise<void> = () => {},
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (!isApiError(error)) throw error;
    await onProblem(error);
    return undefined;
  }
}

/**
 * A store's write sent with the version it read: when the API answers 409 (changed elsewhere
 * meanwhile), `onConflict` lets the store say so or read again; the ApiError is thrown on
 * either way, for the form to show beside its fields.
 */
export async function onConflict<T>(write: () => Promise<T>, react: () => void): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isApiError(error) && error.status === 409) react();
    throw error;
  }
}

/** What to show of a failure caught on a page: the API's sentence, or the error's own words. */
export function problemText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

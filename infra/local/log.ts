// Console messages of the local stack manager.
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

export const say = (message: string): void => console.log(`${paint('1;32', '[cocagne]')} ${message}`);
export const warn = (message: string): void => console.warn(`${paint('1;33', '[cocagne]')} ${message}`);
export const error = (message: string): void => console.error(`${paint('1;31', '[cocagne]')} ${message}`);
export const dim = (text: string): string => paint('2', text);
export const bold = (text: string): string => paint('1', text);

/** A problem the user can fix, explained in one message: printed without a stack trace. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}

/** Seconds since `start` (a performance.now() value), for progress lines. */
export const elapsed = (start: number): string => `${((performance.now() - start) / 1000).toFixed(1)} s`;

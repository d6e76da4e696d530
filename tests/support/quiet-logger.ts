/**
 * A logger for the workflow bundler and test workers that says only errors: the bundler
 * reports every module it packs, and workers every state change.
 */
export const silentLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

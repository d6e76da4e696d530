import { existsSync } from 'node:fs';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Path of the Chromium binary used by the browser tests; CHROMIUM_PATH overrides it. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHROMIUM_PATH?.trim();
  if (override) return override;
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

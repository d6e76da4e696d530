import { existsSync } from 'node:fs';

/** Chromium's headless shell (Debian `chromium-headless-shell`): what the browser tests want. */
export const headlessShellPath = '/usr/bin/chromium-headless-shell';

/** The full browser, which also runs headless (about twice the CPU): used when the shell is absent. */
const fullBrowsers = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Path of the Chromium binary used by the browser tests; CHROMIUM_PATH overrides it. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHROMIUM_PATH?.trim();
  if (override) return override;
  return [headlessShellPath, ...fullBrowsers].find((path) => existsSync(path)) ?? headlessShellPath;
}

/** A full Chromium already installed, to fall back on where the headless shell cannot be installed. */
export function installedFullChromium(): string | undefined {
  return fullBrowsers.find((path) => existsSync(path));
}

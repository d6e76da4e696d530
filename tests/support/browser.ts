import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testEnvironment } from './environment.ts';

/** The built web app; `npm test` builds it before the browser tests. */
export const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The port browser tests serve the app on: Keycloak's web client accepts redirects to it. */
export const browserTestPort = 8089;

export function assertWebBuilt(): void {
  if (!existsSync(`${webDist}/index.html`)) {
    throw new Error('web/dist is missing: `npm test` builds it (vite build web) before the browser tests.');
  }
}

/** Headless Debian Chromium, with the flags this sandboxed, offline machine needs. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = testEnvironment().CHROMIUM_PATH || '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in through the real Keycloak login page, starting from the app's own login page. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByTestId('login-button').click();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#kc-login').click();
  await page.waitForURL(
    (url) => url.origin === new URL(baseUrl).origin && !url.pathname.startsWith('/realms'),
  );
}

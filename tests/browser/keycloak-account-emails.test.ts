import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { createAccount, deleteAccounts, tokenFor, type TestAccount } from '../support/keycloak.ts';
import { uniqueEmail } from '../support/moto.ts';

/**
 * Keycloak's own pages as a person meets them, straight from the web client's sign-in address
 * (no app needed: its redirect is answered by the browser itself): Cocagne's theme in French,
 * « Mot de passe oublié ? » that sends an email, registration that verifies the address. The
 * emails go by SMTP to the local relay, then to SES (moto), where the app's own emails go.
 */

const env = testEnvironment();
const keycloak = env.KEYCLOAK_ADMIN_URL ?? 'http://localhost:8180';
const redirectUri = 'http://localhost:8089/';

/**
 * The web client's sign-in address, as keycloak-js builds it (code flow, PKCE S256) with the
 * app's language (French unless the person chose English).
 */
function signInUrl(extra: Record<string, string> = {}): string {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: 'cocagne-web',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: randomUUID(),
    nonce: randomUUID(),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ui_locales: 'fr',
    ...extra,
  });
  return `${keycloak}/realms/cocagne/protocol/openid-connect/auth?${query.toString()}`;
}

/** A raw email as moto keeps it (SES v2 SendEmail with raw content). */
interface RawEmail {
  source: string;
  destinations: string[];
  raw_data: string;
}

async function rawEmailsTo(address: string): Promise<RawEmail[]> {
  const response = await fetch(`${env.MOTO_URL}/moto-api/data.json`);
  const data = (await response.json()) as { ses?: { RawMessage?: RawEmail[] } };
  return (data.ses?.RawMessage ?? []).filter((email) =>
    email.destinations.some((to) => to.toLowerCase() === address.toLowerCase()),
  );
}

async function oneEmailTo(address: string): Promise<RawEmail> {
  await expect.poll(async () => (await rawEmailsTo(address)).length, { timeout: 20_000 }).toBe(1);
  return (await rawEmailsTo(address))[0]!;
}

/** `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=` words of a header, decoded. */
function decodeHeader(value: string): string {
  return value.replace(/\s*=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text
            .replace(/_/g, ' ')
            .replace(/=([0-9a-f]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

/** Subject and decoded text of every part (enough for Keycloak's multipart/alternative mails). */
function readEmail(raw: string): {
  subject: string;
  from: string;
  parts: Array<{ type: string; text: string }>;
} {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const header = (block: string, name: string) =>
    new RegExp(`^${name}:\\s*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im')
      .exec(block)?.[1]
      ?.replace(/\r?\n[ \t]/g, ' ') ?? '';
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  const body = rest.join('\n\n');
  const blocks = boundary ? body.split(`--${boundary}`).slice(1, -1) : [`${head}\n\n${body}`];
  const parts = blocks.map((block) => {
    const [partHead = '', ...partBody] = block.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const encoded = partBody.join('\n\n');
    const encoding = header(partHead, 'Content-Transfer-Encoding').toLowerCase();
    const text =
      encoding === 'base64'
        ? Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8')
        : encoding === 'quoted-printable'
          ? Buffer.from(
              encoded
                .replace(/=\r?\n/g, '')
                .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            ).toString('utf8')
          : encoded;
    return { type: header(partHead, 'Content-Type').split(';')[0]!.trim(), text };
  });
  return { subject: decodeHeader(header(head, 'Subject')), from: decodeHeader(header(head, 'From')), parts };
}

/** The Keycloak action link (reset or verification) of an email. */
function actionLink(email: RawEmail): string {
  const plain = readEmail(email.raw_data).parts.find((part) => part.type === 'text/plain')?.text ?? '';
  const link = /https?:\/\/\S+\/login-actions\/action-token\?\S+/.exec(plain)?.[0];
  if (!link) throw new Error(`no action link in:\n${email.raw_data}`);
  return link;
}

/** A computed style property of the first element matching the selector. */
function styleOf(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate<string>(
    `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`,
  );
}

async function adminToken(): Promise<string> {
  const response = await fetch(`${keycloak}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: env.KEYCLOAK_ADMIN_USERNAME ?? 'admin',
      password: env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
    }),
  });
  return String(((await response.json()) as { access_token: string }).access_token);
}

async function usersNamed(username: string): Promise<Array<{ id: string; emailVerified: boolean }>> {
  const response = await fetch(
    `${keycloak}/admin/realms/cocagne/users?exact=true&username=${encodeURIComponent(username)}`,
    { headers: { authorization: `Bearer ${await adminToken()}` } },
  );
  return (await response.json()) as Array<{ id: string; emailVerified: boolean }>;
}

describe('Keycloak’s pages: Cocagne’s look, password reset and address verification by email', () => {
  let browser: Browser;
  const accounts: TestAccount[] = [];
  const registered: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    const token = await adminToken();
    for (const username of registered) {
      for (const user of await usersNamed(username)) {
        await fetch(`${keycloak}/admin/realms/cocagne/users/${user.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        });
      }
    }
  });

  /** A phone-sized page, as most members use the portal. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true });
    return context.newPage();
  }

  /**
   * Does what `act` does and waits until Keycloak sends the browser back to the app with an
   * authorization code (the app is not started here: that last request fails, which is fine).
   */
  async function backInTheApp(page: Page, act: () => Promise<unknown>): Promise<void> {
    const back = page.waitForRequest((request) => request.url().startsWith(redirectUri), { timeout: 20_000 });
    await act().catch((error: unknown) => {
      if (!String(error).includes('ERR_CONNECTION_REFUSED')) throw error;
    });
    expect(new URL((await back).url()).searchParams.get('code')).toBeTruthy();
  }

  it('shows the sign-in page in Cocagne’s colours and words, in French, with « Mot de passe oublié ? »', async () => {
    const page = await newPage();
    await page.goto(signInUrl());
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(
      await page.evaluate<string[]>(
        '[...document.querySelectorAll("link[rel=stylesheet]")].map((link) => link.getAttribute("href"))',
      ),
    ).toContainEqual(expect.stringMatching(/\/login\/cocagne\/css\/cocagne\.css$/));
    expect(await page.locator('#kc-header').textContent()).toContain('Cocagne');
    expect(await page.locator('#kc-page-title').textContent()).toContain(
      'Connectez-vous à votre compte Cocagne',
    );
    expect(await page.getByRole('link', { name: 'Mot de passe oublié ?' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Créer un compte' }).isVisible()).toBe(true);
    // The app's colours (web/src/styles/tokens.css): --green on the main button, --green-dark
    // for the name, --background behind.
    expect(await styleOf(page, '#kc-login', 'backgroundColor')).toBe('rgb(47, 125, 50)');
    expect(await styleOf(page, '#kc-header-wrapper', 'color')).toBe('rgb(33, 90, 36)');
    expect(await styleOf(page, 'body', 'backgroundColor')).toBe('rgb(246, 248, 245)');

    // English is there too.
    await page.goto(signInUrl({ ui_locales: 'en' }));
    expect(await page.getByRole('link', { name: 'Forgot your password?' }).isVisible()).toBe(true);
    await page.context().close();
  });

  it('lets a demo user sign in as before, with no email step', async () => {
    const page = await newPage();
    await page.goto(signInUrl());
    await page.locator('#username').fill('adherent-doubs');
    await page.locator('#password').fill('cocagne');
    await backInTheApp(page, () => page.locator('#kc-login').click());
    await page.context().close();
  });

  it('sends a password reset email through SES when « Mot de passe oublié ? » is used, whose link sets a new password', async () => {
    const account = await createAccount({ firstName: 'Odile', lastName: 'Reset' });
    accounts.push(account);
    const email = `${account.username}@example.org`;
    const page = await newPage();
    await page.goto(signInUrl());
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    expect(await page.locator('#kc-page-title').textContent()).toContain('Mot de passe oublié ?');
    await page.locator('#username').fill(email);
    await page.locator('[type=submit]').click();
    await expect
      .poll(() => page.locator('body').textContent(), { timeout: 10_000 })
      .toContain('un e-mail vient de partir');

    const sent = await oneEmailTo(email);
    const read = readEmail(sent.raw_data);
    expect(sent.source).toBe('ne-pas-repondre@cocagne.local');
    expect(read.from).toContain('Jardin de Cocagne');
    expect(read.subject).toBe('Choisir un nouveau mot de passe');
    expect(read.parts.find((part) => part.type === 'text/html')?.text).toContain('#2f7d32');

    await page.goto(actionLink(sent));
    const newPassword = `nouveau-${randomUUID().slice(0, 8)}`;
    await page.locator('#password-new').fill(newPassword);
    await page.locator('#password-confirm').fill(newPassword);
    await backInTheApp(page, () => page.locator('[type=submit]').click());
    expect(await tokenFor(account.username, newPassword)).toMatch(/^ey/);
    await page.context().close();
  });

  it('sends a verification email on registration, and the account is verified once its link is opened', async () => {
    const username = `inscrite-${randomUUID().slice(0, 8)}`;
    registered.push(username);
    const email = uniqueEmail('inscription');
    const page = await newPage();
    await page.goto(signInUrl());
    await page.getByRole('link', { name: 'Créer un compte' }).click();
    await page.locator('#username').fill(username);
    await page.locator('#email').fill(email);
    await page.locator('#firstName').fill('Rosa');
    await page.locator('#lastName').fill('Bonheur');
    await page.locator('#password').fill('un-mot-de-passe-1');
    await page.locator('#password-confirm').fill('un-mot-de-passe-1');
    await page.locator('[type=submit]').click();
    await expect
      .poll(() => page.locator('#kc-page-title').textContent(), { timeout: 10_000 })
      .toContain('Vérifiez votre adresse e-mail');
    expect((await usersNamed(username))[0]?.emailVerified).toBe(false);

    const sent = await oneEmailTo(email);
    expect(readEmail(sent.raw_data).subject).toBe('Vérifiez votre adresse e-mail');
    await backInTheApp(page, () => page.goto(actionLink(sent)));
    expect((await usersNamed(username))[0]?.emailVerified).toBe(true);
    await page.context().close();
  });
});

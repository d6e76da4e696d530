import { Client, Connection } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeycloakAdmin } from '../../adapters/keycloak/keycloak-admin.ts';
import { createKeycloakTeam } from '../../adapters/keycloak/keycloak-team.ts';
import { buildApp, type App } from '../../api/app.ts';
import { createTokenVerifier } from '../../api/auth/token-verifier.ts';
import { createApiServices } from '../../api/plugins/services.ts';
import {
  assertWebBuilt,
  baseUrl,
  browserTestPort,
  launchBrowser,
  phoneContext,
  scrollWidth,
  signIn,
  signInAs,
  webDist,
} from '../support/browser.ts';
import { createTestGarden, testDocuments, testEnvironment, testStore } from '../support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { uniqueEmail } from '../support/moto.ts';
import { testDataConverter } from '../support/environment.ts';

/**
 * A garden administrator invites a driver from « Équipe du jardin » on a phone; the invitation
 * is Keycloak's own email (read from moto, where the SMTP relay hands it); its link sets the
 * driver's password, and the driver signs in to their page (/chauffeur).
 *
 * The app is built here rather than by `startBrowserTest`: the team routes need the Keycloak
 * admin service (`services.team`), which the shared test API does not give yet.
 */
const env = testEnvironment();
const keycloak = {
  baseUrl: env.KEYCLOAK_ADMIN_URL ?? '',
  realm: env.KEYCLOAK_REALM ?? 'cocagne',
  username: env.KEYCLOAK_ADMIN_USERNAME ?? 'admin',
  password: env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
};

/** Keycloak's emails to the address, as moto keeps them (raw, quoted-printable soft breaks joined). */
async function rawEmailsTo(address: string): Promise<string[]> {
  const data = (await (await fetch(`${env.MOTO_URL}/moto-api/data.json`)).json()) as {
    ses?: { RawMessage?: Array<{ destinations: string[]; raw_data: string }> };
  };
  return (data.ses?.RawMessage ?? [])
    .filter((mail) => mail.destinations.some((to) => to.toLowerCase() === address.toLowerCase()))
    .map((mail) => mail.raw_data.replace(/=\r?\n/g, ''));
}

/** The action link of a Keycloak email (its plain-text part, quoted-printable). */
function actionLink(raw: string): string {
  const encoded = /https?:\/\/\S+\/login-actions\/action-token\?\S+/.exec(raw)?.[0];
  if (!encoded) throw new Error(`no action link in:\n${raw}`);
  return encoded.replace(/=3D/g, '=');
}

describe('a garden administrator invites a driver', () => {
  let browser: Browser;
  let app: App;
  let connection: Connection;
  let admin: TestAccount;
  const driverEmail = uniqueEmail('invited-driver');
  const keycloakAdmin = createKeycloakAdmin(keycloak);

  beforeAll(async () => {
    assertWebBuilt();
    const store = await testStore();
    const { gardenId } = await createTestGarden(store, 'team-browser');
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
    const client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      dataConverter: testDataConverter(),
    });
    app = await buildApp({
      services: { ...createApiServices(store, client, testDocuments()), team: createKeycloakTeam(keycloak) },
      verifyToken: createTokenVerifier({ issuer: env.OIDC_ISSUER ?? '', audience: env.OIDC_AUDIENCE ?? '' }),
      oidcIssuer: env.OIDC_ISSUER ?? '',
      webClientId: env.OIDC_WEB_CLIENT_ID ?? '',
      webDist,
      publicUrl: baseUrl,
    });
    await app.listen({ host: '127.0.0.1', port: browserTestPort });
    admin = await createAccount({
      role: 'garden-admin',
      gardenId,
      firstName: 'Claire',
      lastName: 'Vuillemin',
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await connection?.close();
    await deleteAccounts(admin ? [admin] : []);
    const users = (await (
      await keycloakAdmin(`/users?exact=true&email=${encodeURIComponent(driverEmail)}`)
    ).json()) as Array<{ id: string }>;
    for (const user of users) await keycloakAdmin(`/users/${user.id}`, { method: 'DELETE' });
  });

  let invitation: string;

  it('invites from « Équipe du jardin » on a 360 px phone; the email comes from Keycloak, in French', async () => {
    const page: Page = await (await phoneContext(browser)).newPage();
    await signInAs(page, admin);
    await page.goto(`${baseUrl}/equipe/equipe-du-jardin`);
    await page.getByRole('heading', { name: 'Équipe du jardin' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('teammate').first().waitFor();
    expect(await page.getByTestId('teammate-name').allTextContents()).toEqual(['Claire Vuillemin']);

    await page.getByLabel('Prénom').fill('Karim');
    await page.getByLabel('Nom', { exact: true }).fill('<b>Haddad</b>');
    await page.getByLabel('Adresse email').fill(driverEmail);
    await page.getByLabel('Rôle', { exact: true }).selectOption('driver');
    await page.getByTestId('send-invitation').click();
    // The identity provider refuses markup in names: said beside the field, nothing sent.
    await expect
      .poll(() => page.locator('.field-error').allTextContents())
      .toEqual([expect.stringMatching(/^Un nom ne peut pas contenir ces caractères/)]);
    await page.getByLabel('Nom', { exact: true }).fill('Haddad');
    await page.getByTestId('send-invitation').click();
    const row = page.locator('[data-testid="teammate"]', { hasText: 'Karim Haddad' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Chauffeur · invitation envoyée');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    await expect.poll(async () => (await rawEmailsTo(driverEmail)).length, { timeout: 20_000 }).toBe(1);
    const [raw] = await rawEmailsTo(driverEmail);
    expect(raw).toContain('Subject: =?UTF-8?Q?Mettre_=C3=A0_jour_votre_compte');
    invitation = actionLink(raw!);
    await page.context().close();
  });

  it('the link sets the password, and the driver lands on /chauffeur', async () => {
    expect(invitation).toBeTruthy();
    const page: Page = await (await phoneContext(browser)).newPage();
    await page.goto(invitation);
    // Keycloak first lists what the link is for, then asks for the password.
    expect(await page.locator('body').innerText()).toContain(
      "Réalisez la(les) action(s) suivante(s): Mettre à jour le mot de passe, Vérifier l'adresse de courriel",
    );
    await page.getByRole('link', { name: /Cliquez ici pour continuer/ }).click();
    const password = 'chauffeur-Invite-2026';
    await page.locator('#password-new').fill(password);
    await page.locator('#password-confirm').fill(password);
    await page.locator('[type=submit]').click();
    await page.getByText('Votre compte est à jour.').first().waitFor({ timeout: 20_000 });
    // The link came to the address: it is confirmed too, and nothing is left to do.
    const [account] = (await (
      await keycloakAdmin(`/users?exact=true&email=${encodeURIComponent(driverEmail)}`)
    ).json()) as Array<{ emailVerified: boolean; requiredActions: string[] }>;
    expect(account).toMatchObject({ emailVerified: true, requiredActions: [] });
    await signIn(page, baseUrl, driverEmail, password);
    await page.waitForURL(`${baseUrl}/chauffeur`, { timeout: 30_000 });
    await page.context().close();
  });
});

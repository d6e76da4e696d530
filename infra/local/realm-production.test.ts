import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeycloakAccounts } from '../../adapters/keycloak/keycloak-accounts.ts';
import { KeycloakAdminError } from '../../adapters/keycloak/keycloak-admin.ts';
import { createKeycloakGarden } from '../../adapters/keycloak/keycloak-garden.ts';
import { testEnvironment } from '../../tests/support/environment.ts';

/**
 * The production realm template, imported into the real local Keycloak under a name of its
 * own (its placeholders filled as a deployment fills them): Keycloak accepts it, the
 * workflows' service account can link a new account to its garden, and the web client's
 * access tokens carry what the API reads.
 */
describe('the production realm template in a real Keycloak', () => {
  const env = testEnvironment();
  const keycloak = env.KEYCLOAK_ADMIN_URL ?? '';
  const realm = `cocagne-prod-${randomUUID().slice(0, 8)}`;
  const workerSecret = randomUUID();
  const provisionerSecret = randomUUID();

  async function adminToken(): Promise<string> {
    const response = await fetch(`${keycloak}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: env.KEYCLOAK_ADMIN_USERNAME ?? 'admin',
        password: env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
      }),
    });
    expect(response.status).toBe(200);
    return String(((await response.json()) as { access_token: string }).access_token);
  }

  async function admin(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${keycloak}/admin/realms${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${await adminToken()}`,
        'content-type': 'application/json',
      },
    });
  }

  beforeAll(async () => {
    const template = readFileSync(new URL('../keycloak/realm-production.json', import.meta.url), 'utf8');
    const filled = template
      .replaceAll('${COCAGNE_PUBLIC_URL}', 'https://cocagne.example.org')
      .replaceAll('${COCAGNE_KEYCLOAK_WORKER_SECRET}', workerSecret)
      .replaceAll('${COCAGNE_KEYCLOAK_PROVISIONER_SECRET}', provisionerSecret)
      .replaceAll('${COCAGNE_SMTP_HOST}', 'smtp.example.org')
      .replaceAll('${COCAGNE_SMTP_PORT}', '587')
      .replaceAll('${COCAGNE_SMTP_FROM}', 'ne-pas-repondre@example.org')
      .replaceAll('${COCAGNE_SMTP_USER}', 'cocagne')
      .replaceAll('${COCAGNE_SMTP_PASSWORD}', 'secret');
    const imported = await admin('', {
      method: 'POST',
      body: JSON.stringify({ ...JSON.parse(filled), realm }),
    });
    expect(imported.status, await imported.text()).toBe(201);
  });

  afterAll(async () => {
    await admin(`/${realm}`, { method: 'DELETE' });
  });

  it('is accepted as it is, with its security settings', async () => {
    const settings = (await (await admin(`/${realm}`)).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({
      sslRequired: 'external',
      registrationAllowed: true,
      verifyEmail: true,
      bruteForceProtected: true,
      defaultSignatureAlgorithm: 'RS256',
      resetPasswordAllowed: true,
      // The theme installed by the local stack, as a production Keycloak must have it.
      loginTheme: 'cocagne',
      emailTheme: 'cocagne',
    });
    const clients = (await (await admin(`/${realm}/clients`)).json()) as Array<{
      clientId: string;
      directAccessGrantsEnabled: boolean;
    }>;
    expect(clients.filter((entry) => entry.directAccessGrantsEnabled).map((entry) => entry.clientId)).toEqual(
      [],
    );
    const users = (await (await admin(`/${realm}/users`)).json()) as unknown[];
    expect(users).toEqual([]);
  });

  it('lets the workflows link a new account, whose web token then carries garden, member and role', async () => {
    const created = await admin(`/${realm}/users`, {
      method: 'POST',
      body: JSON.stringify({
        username: 'nouvelle-adherente',
        email: 'nouvelle@example.org',
        firstName: 'Nina',
        lastName: 'Simone',
        enabled: true,
        emailVerified: true,
      }),
    });
    expect(created.status, await created.text()).toBe(201);
    const userId = created.headers.get('location')?.split('/').pop() ?? '';

    // The worker's own code, with the template's service account.
    const accounts = createKeycloakAccounts({
      baseUrl: keycloak,
      realm,
      clientId: 'cocagne-worker',
      clientSecret: workerSecret,
    });
    await accounts.linkMemberAccount({
      userId,
      gardenId: 'val-du-doubs',
      memberId: 'm-0042',
    });

    const clients = (await (await admin(`/${realm}/clients?clientId=cocagne-web`)).json()) as Array<{
      id: string;
    }>;
    const example = await admin(
      `/${realm}/clients/${clients[0]?.id}/evaluate-scopes/generate-example-access-token?scope=openid&userId=${userId}`,
    );
    expect(example.status).toBe(200);
    const claims = (await example.json()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      sub: userId,
      garden: 'val-du-doubs',
      member: 'm-0042',
      realm_access: { roles: expect.arrayContaining(['member']) },
    });
    expect([claims.aud].flat()).toContain('cocagne-api');
    expect(typeof claims.exp).toBe('number');
  });

  it('lets the network worker’s client add a garden’s host to the web client, and refuses it to cocagne-worker', async () => {
    const link = {
      clientId: 'cocagne-web',
      redirectUri: 'https://cocagne.example.org/',
    };
    const redirects = async () =>
      (
        (await (await admin(`/${realm}/clients?clientId=cocagne-web`)).json()) as { redirectUris: string[] }[]
      )[0]?.redirectUris;
    const provisioner = createKeycloakGarden(
      {
        baseUrl: keycloak,
        realm,
        clientId: 'cocagne-provisioner',
        clientSecret: provisionerSecret,
      },
      link,
    );
    await provisioner.allowSiteHost('paniers.val-du-doubs.example.org');
    expect(await redirects()).toContain('https://paniers.val-du-doubs.example.org/*');
    await provisioner.forbidSiteHost('paniers.val-du-doubs.example.org');
    expect(await redirects()).toEqual(['https://cocagne.example.org/*']);
    // Every garden's namespace holds cocagne-worker's secret: it may not touch clients…
    const worker = createKeycloakGarden(
      {
        baseUrl: keycloak,
        realm,
        clientId: 'cocagne-worker',
        clientSecret: workerSecret,
      },
      link,
    );
    const refused = await worker.allowSiteHost('ailleurs.example.org').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KeycloakAdminError);
    expect(String(refused)).toContain('403');
    expect(await redirects()).toEqual(['https://cocagne.example.org/*']);
    // …but still manages the garden's accounts and groups.
    expect(await worker.ensureGroup('val-du-doubs')).toEqual(await provisioner.ensureGroup('val-du-doubs'));
  });
});

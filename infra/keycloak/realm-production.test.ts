import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roles } from '../../domain/roles.ts';

/**
 * The Keycloak realm shipped for production (realm-production.json), checked for what makes it
 * fit for the public: people register and verify their address, guessing passwords is slowed
 * down, TLS is required, no client takes passwords directly, no demo account exists; and it
 * gives the tokens the app needs, as the local demo realm does.
 */

interface Mapper {
  name: string;
  protocolMapper: string;
  config: Record<string, string>;
}
interface RealmClient {
  clientId: string;
  publicClient?: boolean;
  standardFlowEnabled?: boolean;
  implicitFlowEnabled?: boolean;
  directAccessGrantsEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  redirectUris?: string[];
  attributes?: Record<string, string>;
  protocolMappers?: Mapper[];
}
interface RealmUser {
  username: string;
  serviceAccountClientId?: string;
  credentials?: unknown[];
  realmRoles?: string[];
  clientRoles?: Record<string, string[]>;
}
interface Realm {
  realm: string;
  [setting: string]: unknown;
  roles: { realm: Array<{ name: string }> };
  clients: RealmClient[];
  users?: RealmUser[];
  components: Record<string, unknown>;
}

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as Realm;
const production = read('realm-production.json');
const local = read('realm-cocagne.json');
const client = (realm: Realm, clientId: string) => realm.clients.find((entry) => entry.clientId === clientId);

describe('the production Keycloak realm template', () => {
  it('lets people register, and verifies their email address (through an SMTP server given at deployment)', () => {
    expect(production.registrationAllowed).toBe(true);
    expect(production.verifyEmail).toBe(true);
    expect(production.resetPasswordAllowed).toBe(true);
    expect(production.duplicateEmailsAllowed).toBe(false);
    expect(production.smtpServer).toMatchObject({
      host: '${COCAGNE_SMTP_HOST}',
      from: '${COCAGNE_SMTP_FROM}',
    });
  });

  it('speaks French first, with English, on Cocagne’s login and email themes (as the local realm)', () => {
    for (const realm of [production, local]) {
      expect(realm).toMatchObject({
        internationalizationEnabled: true,
        supportedLocales: ['fr', 'en'],
        defaultLocale: 'fr',
        loginTheme: 'cocagne',
        emailTheme: 'cocagne',
      });
    }
    // SES's SMTP interface: STARTTLS on 587 with the SMTP credentials made from an IAM user.
    expect(production.smtpServer).toMatchObject({ starttls: 'true', auth: 'true' });
  });

  it('slows down password guessing: brute-force protection, temporary lockouts', () => {
    expect(production.bruteForceProtected).toBe(true);
    expect(production.failureFactor).toBeGreaterThanOrEqual(3);
    expect(production.failureFactor).toBeLessThanOrEqual(10);
    expect(production.waitIncrementSeconds).toBeGreaterThanOrEqual(30);
    expect(production.maxFailureWaitSeconds).toBeGreaterThanOrEqual(300);
    // Temporary, so that an attacker cannot lock a member out for good.
    expect(production.permanentLockout).toBe(false);
    expect(String(production.passwordPolicy)).toMatch(/length\(\d{2}\)/);
  });

  it('requires TLS for every address but the local machine, and signs tokens with RS256', () => {
    expect(production.sslRequired).toBe('external');
    expect(production.defaultSignatureAlgorithm).toBe('RS256');
  });

  it('has no client that takes a password directly (no direct access grants), nor the implicit flow', () => {
    expect(production.clients.length).toBeGreaterThan(0);
    for (const entry of production.clients) {
      expect(entry.directAccessGrantsEnabled, entry.clientId).toBe(false);
      expect(entry.implicitFlowEnabled, entry.clientId).toBe(false);
    }
    expect(client(production, 'cocagne-local-tests')).toBeUndefined();
    // Keycloak makes admin-cli in every realm, with password sign-in on: the template turns it off.
    expect(client(production, 'admin-cli')).toMatchObject({
      enabled: false,
      directAccessGrantsEnabled: false,
    });
  });

  it('has no demo users: only the service accounts of the workflows and of provisioning, with no password', () => {
    const users = production.users ?? [];
    expect(users.map((user) => user.serviceAccountClientId).sort()).toEqual([
      'cocagne-provisioner',
      'cocagne-worker',
    ]);
    for (const user of users) {
      expect(user.username, user.username).toBe(`service-account-${user.serviceAccountClientId}`);
      expect(user.credentials, user.username).toBeUndefined();
      expect(user.realmRoles ?? [], user.username).toEqual([]);
    }
    const rolesOf = (clientId: string) =>
      users.find((user) => user.serviceAccountClientId === clientId)?.clientRoles;
    // The workers (the API's team invitations, every garden's worker): linking a new account to
    // its garden, member record and role, and no more. Its secret is in every garden's namespace.
    expect(rolesOf('cocagne-worker')).toEqual({
      'realm-management': ['view-users', 'query-users', 'manage-users', 'view-realm'],
    });
    // The network's worker alone (creating and retiring gardens): the same, and adding a garden's
    // own host name to the web client's return addresses.
    expect(rolesOf('cocagne-provisioner')).toEqual({
      'realm-management': [
        'view-users',
        'query-users',
        'manage-users',
        'view-realm',
        'query-clients',
        'view-clients',
        'manage-clients',
      ],
    });
    // No one else may touch clients.
    const clientRights = users.filter((user) =>
      Object.values(user.clientRoles ?? {})
        .flat()
        .some((role) => role.endsWith('-clients')),
    );
    expect(clientRights.map((user) => user.serviceAccountClientId)).toEqual(['cocagne-provisioner']);
    for (const [clientId, secret] of [
      ['cocagne-worker', '${COCAGNE_KEYCLOAK_WORKER_SECRET}'],
      ['cocagne-provisioner', '${COCAGNE_KEYCLOAK_PROVISIONER_SECRET}'],
    ] as const)
      expect(client(production, clientId), clientId).toMatchObject({
        publicClient: false,
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
        secret,
      });
  });

  it('fits Keycloak’s columns: a client’s description of at most 255 characters, or the import fails', () => {
    // Keycloak answers "Database operation failed" (400) to a realm with a longer one.
    for (const realm of [production, local])
      for (const entry of realm.clients as (RealmClient & { description?: string })[])
        expect([...(entry.description ?? '')].length, entry.clientId).toBeLessThanOrEqual(255);
  });

  it('has the web client sign in with PKCE and come back to the public address only', () => {
    const web = client(production, 'cocagne-web');
    expect(web).toMatchObject({ publicClient: true, standardFlowEnabled: true });
    expect(web?.attributes?.['pkce.code.challenge.method']).toBe('S256');
    expect(web?.redirectUris).toEqual(['${COCAGNE_PUBLIC_URL}/*']);
  });

  it('keeps the roles, the garden and member claims and the API audience the app relies on', () => {
    expect(production.roles.realm.map((role) => role.name).sort()).toEqual([...roles].sort());
    expect(production.roles).toEqual(local.roles);
    const mappers = client(production, 'cocagne-web')?.protocolMappers ?? [];
    expect(mappers).toEqual(client(local, 'cocagne-web')?.protocolMappers);
    for (const claim of ['garden', 'member']) {
      expect(mappers.find((mapper) => mapper.name === claim)?.config).toMatchObject({
        'user.attribute': claim,
        'claim.name': claim,
        'access.token.claim': 'true',
      });
    }
    expect(mappers.find((mapper) => mapper.protocolMapper === 'oidc-audience-mapper')?.config).toMatchObject({
      'included.client.audience': 'cocagne-api',
      'access.token.claim': 'true',
    });
    expect(client(production, 'cocagne-api')).toEqual(client(local, 'cocagne-api'));
    // The same user profile: garden and member attributes only administrators may change.
    expect(production.components).toEqual(local.components);
  });
});

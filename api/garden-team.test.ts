import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeycloakAdmin } from '../adapters/keycloak/keycloak-admin.ts';
import { createKeycloakTeam } from '../adapters/keycloak/keycloak-team.ts';
import type { Teammate } from '../domain/garden-team.ts';
import { createTestGarden, testDocuments, testEnvironment, testStore } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { uniqueEmail } from '../tests/support/moto.ts';
import { buildApp, type App } from './app.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { createApiServices } from './plugins/services.ts';
import { testDataConverter } from '../tests/support/environment.ts';

/**
 * Garden administrators manage their team (staff, drivers, administrators) in the real local
 * Keycloak: each garden sees and changes only its own people, never members' accounts; the
 * last administrator stays; invitations are Keycloak's own emails, read from moto.
 */
describe('garden team', () => {
  const env = testEnvironment();
  const keycloak = {
    baseUrl: env.KEYCLOAK_ADMIN_URL ?? '',
    realm: env.KEYCLOAK_REALM ?? 'cocagne',
    username: env.KEYCLOAK_ADMIN_USERNAME ?? 'admin',
    password: env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
  };
  const keycloakAdmin = createKeycloakAdmin(keycloak);
  let app: App;
  let connection: Connection;
  let gardenId: string;
  let otherGardenId: string;
  let admin: TestAccount;
  let staff: TestAccount;
  let driver: TestAccount;
  let member: TestAccount;
  let otherAdmin: TestAccount;
  let otherStaff: TestAccount;
  let networkAdmin: TestAccount;
  const accounts: TestAccount[] = [];
  /** Accounts the tests invited, removed at the end. */
  const invitedIds: string[] = [];

  beforeAll(async () => {
    const store = await testStore();
    gardenId = (await createTestGarden(store, 'team')).gardenId;
    otherGardenId = (await createTestGarden(store, 'team-other')).gardenId;
    // No workflow is started here: a lazy connection is never dialled.
    connection = Connection.lazy({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
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
      publicUrl: 'http://localhost:8089',
    });
    [admin, staff, driver, member, otherAdmin, otherStaff, networkAdmin] = await Promise.all([
      createAccount({ role: 'garden-admin', gardenId, firstName: 'Claire', lastName: 'Admin' }),
      createAccount({ role: 'staff', gardenId, firstName: 'Julien', lastName: 'Equipe' }),
      createAccount({ role: 'driver', gardenId, firstName: 'Karim', lastName: 'Chauffeur' }),
      createAccount({
        role: 'member',
        gardenId,
        memberId: 'm-team-0001',
        firstName: 'Louise',
        lastName: 'Adh',
      }),
      createAccount({ role: 'garden-admin', gardenId: otherGardenId, lastName: 'OtherAdmin' }),
      createAccount({ role: 'staff', gardenId: otherGardenId, lastName: 'OtherStaff' }),
      createAccount({ role: 'network-admin' }),
    ]);
    accounts.push(admin, staff, driver, member, otherAdmin, otherStaff, networkAdmin);
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close().catch(() => undefined);
    await deleteAccounts(accounts);
    await Promise.all(
      invitedIds.map((id) => keycloakAdmin(`/users/${id}`, { method: 'DELETE' }).catch(() => undefined)),
    );
  });

  async function call(
    account: TestAccount,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: Record<string, unknown>,
    language = 'fr',
  ) {
    return app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await account.token()}`, 'accept-language': language },
      ...(payload === undefined ? {} : { payload }),
    });
  }
  const teamUrl = (garden: string, suffix = '') => `/api/gardens/${garden}/team${suffix}`;

  it("lists the garden's staff, drivers and administrators, not its members nor another garden's people", async () => {
    const answer = await call(admin, 'GET', teamUrl(gardenId));
    expect(answer.statusCode).toBe(200);
    const team = answer.json<Teammate[]>();
    expect(team.map((teammate) => [teammate.id, teammate.role, teammate.enabled, teammate.invited])).toEqual(
      expect.arrayContaining([
        [admin.userId, 'garden-admin', true, false],
        [staff.userId, 'staff', true, false],
        [driver.userId, 'driver', true, false],
      ]),
    );
    const ids = team.map((teammate) => teammate.id);
    for (const outsider of [member, otherAdmin, otherStaff, networkAdmin])
      expect(ids).not.toContain(outsider.userId);
    // The network administration sees the team once it opened the garden, with a reason.
    expect((await call(networkAdmin, 'GET', teamUrl(gardenId))).statusCode).toBe(403);
    const opened = await call(networkAdmin, 'POST', `/api/network/gardens/${gardenId}/open`, {
      reason: 'Ticket 3 : équipe du jardin',
    });
    expect(opened.statusCode, opened.body).toBe(204);
    const byNetwork = await call(networkAdmin, 'GET', teamUrl(gardenId));
    expect(byNetwork.statusCode).toBe(200);
    expect(
      byNetwork
        .json<Teammate[]>()
        .map((teammate) => teammate.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('reads every page of a role’s holders: the team is the same, read two accounts at a time', async () => {
    const whole = await createKeycloakTeam(keycloak).list(gardenId);
    const paged = await createKeycloakTeam(keycloak, fetch, { pageSize: 2 }).list(gardenId);
    expect(paged).toEqual(whole);
    expect(paged.map((teammate) => teammate.id)).toEqual(
      expect.arrayContaining([admin.userId, staff.userId, driver.userId]),
    );
  });

  it("refuses staff, drivers and another garden's administrator", async () => {
    expect((await call(staff, 'GET', teamUrl(gardenId))).statusCode).toBe(403);
    expect((await call(driver, 'GET', teamUrl(gardenId))).statusCode).toBe(403);
    expect((await call(otherAdmin, 'GET', teamUrl(gardenId))).statusCode).toBe(403);
    const disable = await call(otherAdmin, 'POST', teamUrl(gardenId, `/${staff.userId}/disable`));
    expect(disable.statusCode).toBe(403);
  });

  it("answers 404 for another garden's account or a member's, reached from one's own garden", async () => {
    for (const outsider of [otherStaff, member, networkAdmin]) {
      const role = await call(otherAdmin, 'PUT', teamUrl(otherGardenId, `/${staff.userId}/role`), {
        role: 'driver',
      });
      expect(role.statusCode).toBe(404);
      const disable = await call(admin, 'POST', teamUrl(gardenId, `/${outsider.userId}/disable`));
      expect(disable.statusCode).toBe(404);
      expect(disable.json<{ message: string }>().message).toBe(
        "Ce compte ne fait pas partie de l'équipe du jardin.",
      );
    }
    const stillStaff = await call(admin, 'GET', teamUrl(gardenId));
    expect(stillStaff.json<Teammate[]>().find((teammate) => teammate.id === staff.userId)).toMatchObject({
      role: 'staff',
      enabled: true,
    });
  });

  it('invites a driver with a hostile name: Keycloak emails the invitation, in French', async () => {
    const email = uniqueEmail('team-driver');
    const refused = await call(admin, 'POST', teamUrl(gardenId, '/invitations'), {
      firstName: '<b>x</b>',
      lastName: 'Martin',
      email,
      role: 'driver',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json<{ issues: Array<{ field: string }> }>().issues.map((issue) => issue.field)).toEqual([
      'firstName',
    ]);

    const invited = await call(admin, 'POST', teamUrl(gardenId, '/invitations'), {
      firstName: '__proto__',
      lastName: 'constructor',
      email: email.toUpperCase(),
      role: 'driver',
    });
    expect(invited.statusCode).toBe(201);
    const teammate = invited.json<Teammate>();
    invitedIds.push(teammate.id);
    expect(teammate).toMatchObject({
      firstName: '__proto__',
      lastName: 'constructor',
      email,
      role: 'driver',
      enabled: true,
      invited: true,
    });
    const team = (await call(admin, 'GET', teamUrl(gardenId))).json<Teammate[]>();
    expect(team.find((one) => one.id === teammate.id)).toEqual(teammate);
    const otherTeam = (await call(otherAdmin, 'GET', teamUrl(otherGardenId))).json<Teammate[]>();
    expect(otherTeam.map((one) => one.id)).not.toContain(teammate.id);

    await expect.poll(async () => (await invitationsTo(email)).length, { timeout: 20_000 }).toBe(1);
    const [mail] = await invitationsTo(email);
    // Quoted-printable, as Keycloak sends it: « Mettre à jour votre compte », « Mise à jour du mot de passe ».
    expect(mail).toContain('Subject: =?UTF-8?Q?Mettre_=C3=A0_jour_votre_compte');
    expect(mail).toContain('Mise =C3=A0 jour du mot de passe');
    expect(mail).toMatch(/login-actions\/action-token\?key=/);
    expect(mail).toContain('Ce lien expire dans 7 jours.');
  });

  it('refuses an address already used, in words (409), in French or English', async () => {
    const email = uniqueEmail('team-twice');
    const first = await call(admin, 'POST', teamUrl(gardenId, '/invitations'), {
      firstName: 'Léa',
      lastName: 'Dupont',
      email,
      role: 'staff',
    });
    expect(first.statusCode).toBe(201);
    invitedIds.push(first.json<Teammate>().id);
    for (const [language, message] of [
      ['fr', 'Un compte existe déjà avec cette adresse email : elle ne peut pas servir deux fois.'],
      ['en', 'An account already exists with this email address: it cannot be used twice.'],
    ] as const) {
      const again = await call(
        otherAdmin,
        'POST',
        teamUrl(otherGardenId, '/invitations'),
        { firstName: 'Léa', lastName: 'Dupont', email: ` ${email.toUpperCase()} `.trim(), role: 'driver' },
        language,
      );
      expect(again.statusCode).toBe(409);
      expect(again.json<{ message: string }>().message).toBe(message);
    }
  });

  it('keeps the last active administrator, and nobody disables themself', async () => {
    const self = await call(admin, 'POST', teamUrl(gardenId, `/${admin.userId}/disable`));
    expect(self.statusCode).toBe(422);
    expect(self.json<{ message: string }>().message).toBe(
      'Vous ne pouvez pas désactiver votre propre compte.',
    );

    const demoted = await call(admin, 'PUT', teamUrl(gardenId, `/${admin.userId}/role`), { role: 'staff' });
    expect(demoted.statusCode).toBe(422);
    expect(demoted.json<{ message: string }>().message).toBe(
      "C'est le dernier administrateur actif du jardin : nommez-en un autre avant.",
    );

    const promoted = await call(admin, 'PUT', teamUrl(gardenId, `/${staff.userId}/role`), {
      role: 'garden-admin',
    });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json<Teammate>()).toMatchObject({ role: 'garden-admin' });

    const sessions = async () =>
      ((await (await keycloakAdmin(`/users/${staff.userId}/sessions`)).json()) as unknown[]).length;
    await staff.token();
    expect(await sessions()).toBeGreaterThan(0);
    const disabled = await call(admin, 'POST', teamUrl(gardenId, `/${staff.userId}/disable`));
    expect(disabled.statusCode).toBe(200);
    expect(await sessions()).toBe(0);
    expect(disabled.json<Teammate>()).toMatchObject({ role: 'garden-admin', enabled: false });
    // The other administrator is disabled: Claire is the last active one again.
    const stillLast = await call(admin, 'PUT', teamUrl(gardenId, `/${admin.userId}/role`), {
      role: 'driver',
    });
    expect(stillLast.statusCode).toBe(422);

    const enabled = await call(admin, 'POST', teamUrl(gardenId, `/${staff.userId}/enable`));
    expect(enabled.statusCode).toBe(200);
    const back = await call(admin, 'PUT', teamUrl(gardenId, `/${staff.userId}/role`), { role: 'staff' });
    expect(back.statusCode).toBe(200);
    const team = (await call(admin, 'GET', teamUrl(gardenId))).json<Teammate[]>();
    expect(team.find((one) => one.id === staff.userId)).toMatchObject({ role: 'staff', enabled: true });
    const roles = (await (
      await keycloakAdmin(`/users/${staff.userId}/role-mappings/realm`)
    ).json()) as Array<{
      name: string;
    }>;
    expect(roles.map((role) => role.name)).not.toContain('garden-admin');
  });

  it('refuses a malformed account id (400) and an unknown one (404)', async () => {
    expect((await call(admin, 'POST', teamUrl(gardenId, '/__proto__/disable'))).statusCode).toBe(400);
    const unknown = await call(
      admin,
      'POST',
      teamUrl(gardenId, '/00000000-0000-4000-8000-000000000000/disable'),
    );
    expect(unknown.statusCode).toBe(404);
  });

  /** Keycloak's emails to the address, as moto keeps them (raw, sent by the SMTP relay). */
  async function invitationsTo(address: string): Promise<string[]> {
    const data = (await (await fetch(`${env.MOTO_URL}/moto-api/data.json`)).json()) as {
      ses?: { RawMessage?: Array<{ destinations: string[]; raw_data: string }> };
    };
    return (data.ses?.RawMessage ?? [])
      .filter((mail) => mail.destinations.some((to) => to.toLowerCase() === address.toLowerCase()))
      .map((mail) => mail.raw_data.replace(/=\r?\n/g, ''));
  }
});

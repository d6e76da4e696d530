import { realmRolesOf } from '../../domain/garden-team.ts';
import type { KeycloakAdminSettings } from './keycloak-accounts.ts';
import { AccountNotFoundError, createKeycloakAdmin, KeycloakAdminError } from './keycloak-admin.ts';
import { EmailTakenError, invitedAccount } from './keycloak-team.ts';

interface UserRepresentation {
  id: string;
  email?: string;
  enabled?: boolean;
  requiredActions?: string[];
  attributes?: Record<string, string[]>;
}

interface GroupRepresentation {
  id: string;
  name: string;
}

interface ClientRepresentation {
  id: string;
  clientId: string;
  redirectUris?: string[];
}

/** How many times a change to the web client's redirect URIs is tried when another one crossed it. */
const clientUpdateAttempts = 5;

/** The garden's group: its accounts, found at a glance in Keycloak's console. */
export const gardenGroupName = (gardenId: string) => `garden-${gardenId}`;

/** How long the first admin's invitation link works: a week. */
const invitationLifespanSeconds = 7 * 24 * 3600;

/**
 * A garden in the identity provider, as the provisioning saga makes and unmakes it. The realm
 * ties an account to its garden by the `garden` attribute and gives rights by realm roles; the
 * garden also has a group (`garden-<id>`, with the same attribute) holding its accounts. Every
 * call is safe to repeat: an account is found by its email before one is created.
 */
export function createKeycloakGarden(
  settings: KeycloakAdminSettings,
  link: { clientId?: string | undefined; redirectUri?: string | undefined } = {},
  fetchImpl: typeof fetch = fetch,
) {
  const admin = createKeycloakAdmin(settings, fetchImpl);
  // One change to the web client at a time in this process (Keycloak has no version to update
  // a client on): the network's worker makes them all; each is also read back.
  let clientChanges: Promise<unknown> = Promise.resolve();

  async function json<T>(path: string): Promise<T> {
    return (await (await admin(path)).json()) as T;
  }

  async function group(gardenId: string): Promise<GroupRepresentation | undefined> {
    const name = gardenGroupName(gardenId);
    const found = await json<GroupRepresentation[]>(
      `/groups?search=${encodeURIComponent(name)}&exact=true&briefRepresentation=true`,
    );
    return found.find((candidate) => candidate.name === name);
  }

  async function userByEmail(email: string): Promise<UserRepresentation | undefined> {
    const wanted = email.trim().toLowerCase();
    const found = await json<UserRepresentation[]>(
      `/users?email=${encodeURIComponent(wanted)}&exact=true&briefRepresentation=false`,
    );
    return found.find((user) => user.email?.toLowerCase() === wanted);
  }

  /** Every account with the garden's attribute, all pages. */
  async function accountsOf(gardenId: string): Promise<UserRepresentation[]> {
    const accounts: UserRepresentation[] = [];
    const pageSize = 200;
    for (let first = 0; ; first += pageSize) {
      const page = await json<UserRepresentation[]>(
        `/users?q=${encodeURIComponent(`garden:${gardenId}`)}&briefRepresentation=false&first=${first}&max=${pageSize}`,
      );
      accounts.push(...page.filter((user) => (user.attributes?.garden ?? []).includes(gardenId)));
      if (page.length < pageSize) return accounts;
    }
  }

  async function ensureGroup(gardenId: string): Promise<string> {
    const existing = await group(gardenId);
    if (existing) return existing.id;
    try {
      const created = await admin('/groups', {
        method: 'POST',
        body: JSON.stringify({ name: gardenGroupName(gardenId), attributes: { garden: [gardenId] } }),
      });
      const id = created.headers.get('location')?.split('/').pop();
      if (id) return id;
    } catch (error) {
      // Made meanwhile by a run before this one: read below.
      if (!(error instanceof KeycloakAdminError && error.status === 409)) throw error;
    }
    // Created without its address in the answer, or by a run before this one: read it by name.
    const found = await group(gardenId);
    if (!found)
      throw new Error(`Keycloak created the group ${gardenGroupName(gardenId)} but does not list it`);
    return found.id;
  }

  async function grantRoles(userId: string, roles: readonly string[]): Promise<void> {
    const held = (
      await json<{ name: string }[]>(`/users/${encodeURIComponent(userId)}/role-mappings/realm`)
    ).map((role) => role.name);
    const missing = roles.filter((role) => !held.includes(role));
    if (missing.length === 0) return;
    const representations = await Promise.all(
      missing.map((role) => json<{ id: string; name: string }>(`/roles/${encodeURIComponent(role)}`)),
    );
    await admin(`/users/${encodeURIComponent(userId)}/role-mappings/realm`, {
      method: 'POST',
      body: JSON.stringify(representations),
    });
  }

  async function deleteUser(userId: string): Promise<void> {
    try {
      await admin(`/users/${encodeURIComponent(userId)}`, { method: 'DELETE' });
    } catch (error) {
      if (!(error instanceof AccountNotFoundError)) throw error;
    }
  }

  /** `https://<host>/*`: a garden host's sign-in return (its site is served over HTTPS only). */
  function siteRedirect(hostName: string): string {
    return `https://${hostName}/*`;
  }

  async function webClient(): Promise<ClientRepresentation> {
    if (!link.clientId) throw new Error("The web app's client id is not configured (OIDC_WEB_CLIENT_ID)");
    const found = await json<ClientRepresentation[]>(
      `/clients?clientId=${encodeURIComponent(link.clientId)}`,
    );
    const client = found.find((candidate) => candidate.clientId === link.clientId);
    if (!client) throw new Error(`Keycloak has no client ${link.clientId} in realm ${settings.realm}`);
    return client;
  }

  /**
   * Adds or removes one redirect URI of the web client, read back after writing: a change that
   * another crossed is made again.
   */
  function changeRedirect(uri: string, present: boolean): Promise<void> {
    const run = async () => {
      for (let attempt = 1; attempt <= clientUpdateAttempts; attempt++) {
        const client = await webClient();
        const uris = client.redirectUris ?? [];
        if (uris.includes(uri) === present) return;
        const redirectUris = present ? [...uris, uri] : uris.filter((candidate) => candidate !== uri);
        await admin(`/clients/${encodeURIComponent(client.id)}`, {
          method: 'PUT',
          body: JSON.stringify({ ...client, redirectUris }),
        });
      }
      const uris = (await webClient()).redirectUris ?? [];
      if (uris.includes(uri) !== present) {
        throw new Error(
          `The web client's redirect URIs kept changing: ${uri} could not be ${present ? 'added' : 'removed'}`,
        );
      }
    };
    const change = clientChanges.then(run, run);
    clientChanges = change.catch(() => undefined);
    return change;
  }

  return {
    ensureGroup,

    /** Lets the web app on the garden's own host name sign people in (and out) there. */
    async allowSiteHost(hostName: string): Promise<void> {
      await changeRedirect(siteRedirect(hostName), true);
    },

    /** The garden's host name no longer signs anyone in (safe to repeat). */
    async forbidSiteHost(hostName: string): Promise<void> {
      await changeRedirect(siteRedirect(hostName), false);
    },

    async ensureFirstAdmin(
      gardenId: string,
      person: { firstName: string; lastName: string; email: string },
    ): Promise<{ userId: string; created: boolean }> {
      const email = person.email.trim().toLowerCase();
      const groupId = await ensureGroup(gardenId);
      let user = await userByEmail(email);
      let created = false;
      if (user && !(user.attributes?.garden ?? []).includes(gardenId)) {
        throw new EmailTakenError(
          `An account of the realm already has the first administrator's address (not garden ${gardenId}'s)`,
        );
      }
      if (!user) {
        try {
          await admin('/users', {
            method: 'POST',
            body: JSON.stringify(invitedAccount(gardenId, { ...person, email })),
          });
          created = true;
        } catch (error) {
          if (!(error instanceof KeycloakAdminError && error.status === 409)) throw error;
        }
        user = await userByEmail(email);
        if (!user || !(user.attributes?.garden ?? []).includes(gardenId)) {
          throw new EmailTakenError('An account of the realm already has the first administrator’s address');
        }
      }
      await grantRoles(user.id, realmRolesOf('garden-admin'));
      await admin(`/users/${encodeURIComponent(user.id)}/groups/${encodeURIComponent(groupId)}`, {
        method: 'PUT',
      });
      return { userId: user.id, created };
    },

    async sendInvitation(userId: string): Promise<void> {
      const query = new URLSearchParams({ lifespan: String(invitationLifespanSeconds) });
      if (link.clientId && link.redirectUri) {
        query.set('client_id', link.clientId);
        query.set('redirect_uri', link.redirectUri);
      }
      await admin(`/users/${encodeURIComponent(userId)}/execute-actions-email?${query.toString()}`, {
        method: 'PUT',
        body: JSON.stringify(['UPDATE_PASSWORD', 'VERIFY_EMAIL']),
      });
    },

    async removeFirstAdmin(gardenId: string, email: string): Promise<void> {
      const user = await userByEmail(email);
      if (user && (user.attributes?.garden ?? []).includes(gardenId)) await deleteUser(user.id);
    },

    async removeGroup(gardenId: string): Promise<void> {
      const found = await group(gardenId);
      if (!found) return;
      try {
        await admin(`/groups/${encodeURIComponent(found.id)}`, { method: 'DELETE' });
      } catch (error) {
        if (!(error instanceof AccountNotFoundError)) throw error;
      }
    },

    async disableAccounts(gardenId: string): Promise<number> {
      let disabled = 0;
      for (const user of await accountsOf(gardenId)) {
        const roles = (
          await json<{ name: string }[]>(`/users/${encodeURIComponent(user.id)}/role-mappings/realm`)
        ).map((role) => role.name);
        // The network's administrators are no garden's to disable.
        if (roles.includes('network-admin')) continue;
        if (user.enabled !== false) {
          await admin(`/users/${encodeURIComponent(user.id)}`, {
            method: 'PUT',
            body: JSON.stringify({ ...user, enabled: false }),
          });
        }
        await admin(`/users/${encodeURIComponent(user.id)}/logout`, { method: 'POST' });
        disabled++;
      }
      return disabled;
    },

    /** What the garden has in Keycloak (tests, the health column). */
    async describe(gardenId: string): Promise<{ groupId?: string; accounts: UserRepresentation[] }> {
      const found = await group(gardenId);
      return { ...(found ? { groupId: found.id } : {}), accounts: await accountsOf(gardenId) };
    },
  };
}
export type KeycloakGarden = ReturnType<typeof createKeycloakGarden>;

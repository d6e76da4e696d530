import {
  realmRolesOf,
  teamRoleOf,
  teamRoles,
  type Invitation,
  type Teammate,
  type TeamRole,
} from '../../domain/garden-team.ts';
import type { KeycloakAdminSettings } from './keycloak-accounts.ts';
import { AccountNotFoundError, createKeycloakAdmin, KeycloakAdminError } from './keycloak-admin.ts';

/** Another account of the realm already has this email address (any garden's, or a member's). */
/**
 * The account of someone invited to a garden: their email as login, no password yet; the
 * invitation asks them to choose one and to confirm their address. French first.
 */
export function invitedAccount(
  gardenId: string,
  person: { email: string; firstName: string; lastName: string },
): Record<string, unknown> {
  return {
    username: person.email,
    email: person.email,
    emailVerified: false,
    enabled: true,
    firstName: person.firstName.trim(),
    lastName: person.lastName.trim(),
    attributes: { garden: [gardenId], locale: ['fr'] },
    requiredActions: ['UPDATE_PASSWORD', 'VERIFY_EMAIL'],
  };
}

export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
}

/** The identity provider refused an account's details (its own checks, after ours). */
export class AccountRefusedError extends Error {
  override readonly name = 'AccountRefusedError';
}

interface UserRepresentation {
  id: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  enabled?: boolean;
  requiredActions?: string[];
  attributes?: Record<string, string[]>;
}

interface RoleRepresentation {
  id: string;
  name: string;
}

/** How long an invitation's link works: a week, the time to read one's mail after a weekend. */
const invitationLifespanSeconds = 7 * 24 * 3600;

/**
 * Accounts read per request when listing a role's holders: the whole network's (every garden's
 * staff), read page by page, then kept for the one garden asked about.
 */
const defaultPageSize = 500;

/**
 * A garden's team in the identity provider: the accounts with the garden's `garden` attribute
 * and a team role (staff, driver, garden administrator). Members' accounts, other gardens'
 * accounts and the network's administrators are never answered nor changed: for this garden
 * they do not exist.
 */
export function createKeycloakTeam(
  settings: KeycloakAdminSettings,
  fetchImpl: typeof fetch = fetch,
  { pageSize = defaultPageSize }: { pageSize?: number } = {},
) {
  const admin = createKeycloakAdmin(settings, fetchImpl);

  async function json<T>(path: string): Promise<T> {
    return (await (await admin(path)).json()) as T;
  }

  async function roleNamed(name: string): Promise<RoleRepresentation> {
    return json<RoleRepresentation>(`/roles/${encodeURIComponent(name)}`);
  }

  function teammateOf(user: UserRepresentation, role: TeamRole): Teammate {
    return {
      id: user.id,
      firstName: user.firstName ?? '',
      lastName: user.lastName ?? '',
      email: user.email ?? user.username ?? '',
      role,
      enabled: user.enabled ?? false,
      invited: (user.requiredActions ?? []).length > 0,
    };
  }

  const inGarden = (user: UserRepresentation, gardenId: string) =>
    (user.attributes?.garden ?? []).includes(gardenId);

  /** The account's realm roles (direct mappings). */
  async function realmRolesOfUser(userId: string): Promise<string[]> {
    const mapped = await json<RoleRepresentation[]>(
      `/users/${encodeURIComponent(userId)}/role-mappings/realm`,
    );
    return mapped.map((role) => role.name);
  }

  /** The account as one of the garden's team, or nothing (another garden's, a member's, none). */
  async function teammate(
    gardenId: string,
    userId: string,
  ): Promise<{ user: UserRepresentation; teammate: Teammate } | undefined> {
    let user: UserRepresentation;
    try {
      user = await json<UserRepresentation>(`/users/${encodeURIComponent(userId)}`);
    } catch (error) {
      if (error instanceof AccountNotFoundError) return undefined;
      // An id Keycloak cannot even parse is no account of this garden either.
      if (error instanceof KeycloakAdminError && error.status === 400) return undefined;
      throw error;
    }
    if (!inGarden(user, gardenId)) return undefined;
    const realmRoles = await realmRolesOfUser(user.id);
    if (realmRoles.includes('network-admin')) return undefined;
    const role = teamRoleOf(realmRoles);
    return role ? { user, teammate: teammateOf(user, role) } : undefined;
  }

  /** Every account holding the realm role (directly), all pages. */
  async function holdersOf(role: string): Promise<UserRepresentation[]> {
    const holders: UserRepresentation[] = [];
    for (let first = 0; ; first += pageSize) {
      const page = await json<UserRepresentation[]>(
        `/roles/${encodeURIComponent(role)}/users?briefRepresentation=false&first=${first}&max=${pageSize}`,
      );
      holders.push(...page);
      if (page.length < pageSize) return holders;
    }
  }

  async function list(gardenId: string): Promise<Teammate[]> {
    const byId = new Map<string, { user: UserRepresentation; roles: Set<string> }>();
    for (const role of [...teamRoles, 'network-admin'] as const) {
      for (const user of await holdersOf(role)) {
        if (!inGarden(user, gardenId)) continue;
        const entry = byId.get(user.id) ?? { user, roles: new Set<string>() };
        entry.roles.add(role);
        byId.set(user.id, entry);
      }
    }
    const team: Teammate[] = [];
    for (const { user, roles } of byId.values()) {
      if (roles.has('network-admin')) continue;
      const role = teamRoleOf([...roles]);
      if (role) team.push(teammateOf(user, role));
    }
    return team.sort(
      (a, b) =>
        a.lastName.localeCompare(b.lastName, 'fr') ||
        a.firstName.localeCompare(b.firstName, 'fr') ||
        a.email.localeCompare(b.email),
    );
  }

  /** Gives the account exactly the realm roles of its team role (removing the other team roles). */
  async function setRealmRoles(userId: string, role: TeamRole): Promise<void> {
    const held = await realmRolesOfUser(userId);
    const wanted = realmRolesOf(role);
    const toRemove = teamRoles.filter((name) => held.includes(name) && !wanted.includes(name));
    const toAdd = wanted.filter((name) => !held.includes(name));
    const path = `/users/${encodeURIComponent(userId)}/role-mappings/realm`;
    if (toAdd.length > 0) {
      await admin(path, { method: 'POST', body: JSON.stringify(await Promise.all(toAdd.map(roleNamed))) });
    }
    if (toRemove.length > 0) {
      await admin(path, {
        method: 'DELETE',
        body: JSON.stringify(await Promise.all(toRemove.map(roleNamed))),
      });
    }
  }

  async function sendInvitation(userId: string, link: { clientId: string; redirectUri: string }) {
    const query = new URLSearchParams({
      client_id: link.clientId,
      redirect_uri: link.redirectUri,
      lifespan: String(invitationLifespanSeconds),
    });
    await admin(`/users/${encodeURIComponent(userId)}/execute-actions-email?${query.toString()}`, {
      method: 'PUT',
      body: JSON.stringify(['UPDATE_PASSWORD', 'VERIFY_EMAIL']),
    });
  }

  return {
    list,
    /** One teammate of the garden, or nothing. */
    async get(gardenId: string, userId: string): Promise<Teammate | undefined> {
      return (await teammate(gardenId, userId))?.teammate;
    },

    /**
     * Makes the account (its email as its login), in the garden with its role, and sends the
     * invitation: Keycloak's email (in French, the realm's language) whose link sets a password
     * and confirms the address, then leads to `redirectUri`.
     */
    async invite(
      gardenId: string,
      invitation: Invitation,
      link: { clientId: string; redirectUri: string },
    ): Promise<Teammate> {
      const email = invitation.email.trim().toLowerCase();
      let created: Response;
      try {
        created = await admin('/users', {
          method: 'POST',
          body: JSON.stringify(invitedAccount(gardenId, { ...invitation, email })),
        });
      } catch (error) {
        if (error instanceof KeycloakAdminError && error.status === 409) {
          throw new EmailTakenError(`An account already has the address given (${error.detail})`);
        }
        if (error instanceof KeycloakAdminError && error.status === 400) {
          throw new AccountRefusedError(`Keycloak refused the account's details: ${error.detail}`);
        }
        throw error;
      }
      const userId = created.headers.get('location')?.split('/').pop() ?? '';
      try {
        await setRealmRoles(userId, invitation.role);
        await sendInvitation(userId, link);
      } catch (error) {
        // Without its role or its email the account is of no use, and would hold the address:
        // removed, so that inviting again starts afresh.
        await admin(`/users/${encodeURIComponent(userId)}`, { method: 'DELETE' }).catch(() => undefined);
        throw error;
      }
      const found = await teammate(gardenId, userId);
      if (!found) throw new Error(`The invited account ${userId} is not in garden ${gardenId}`);
      return found.teammate;
    },

    /** Changes a teammate's role; nothing when the account is not one of the garden's team. */
    async setRole(gardenId: string, userId: string, role: TeamRole): Promise<Teammate | undefined> {
      const found = await teammate(gardenId, userId);
      if (!found) return undefined;
      await setRealmRoles(found.user.id, role);
      return { ...found.teammate, role };
    },

    /** Disables or enables a teammate's account (a disabled account cannot sign in). */
    async setEnabled(gardenId: string, userId: string, enabled: boolean): Promise<Teammate | undefined> {
      const found = await teammate(gardenId, userId);
      if (!found) return undefined;
      await admin(`/users/${encodeURIComponent(found.user.id)}`, {
        method: 'PUT',
        body: JSON.stringify({ ...found.user, enabled }),
      });
      // Its open sessions end too: no new token from them (one already issued lasts its few minutes).
      if (!enabled) await admin(`/users/${encodeURIComponent(found.user.id)}/logout`, { method: 'POST' });
      return { ...found.teammate, enabled };
    },
  };
}
export type KeycloakTeam = ReturnType<typeof createKeycloakTeam>;

import { AccountNotFoundError, createKeycloakAdmin } from './keycloak-admin.ts';

export { AccountNotFoundError } from './keycloak-admin.ts';

/** How to reach Keycloak's admin API: a service account in production, the admin locally. */
export interface KeycloakAdminSettings {
  /** Keycloak's base URL, e.g. https://id.example.org */
  baseUrl: string;
  /** The realm whose users are managed. */
  realm: string;
  /** Either a client with a service account allowed to manage users… */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** …or an administrator's login (local development). */
  username?: string | undefined;
  password?: string | undefined;
}

interface UserRepresentation {
  id: string;
  attributes?: Record<string, string[]>;
}

/**
 * People's accounts in the identity provider: links a newly registered account to the garden
 * and member record it applied with, so its next token carries them.
 */
export function createKeycloakAccounts(settings: KeycloakAdminSettings, fetchImpl: typeof fetch = fetch) {
  const admin = createKeycloakAdmin(settings, fetchImpl);

  return {
    /** Gives the account its garden and member record, and the member role. Safe to repeat. */
    async linkMemberAccount(input: { userId: string; gardenId: string; memberId: string }): Promise<void> {
      const user = (await (await admin(`/users/${input.userId}`)).json()) as UserRepresentation;
      const attributes = { ...(user.attributes ?? {}), garden: [input.gardenId], member: [input.memberId] };
      await admin(`/users/${input.userId}`, { method: 'PUT', body: JSON.stringify({ ...user, attributes }) });
      const role = (await (await admin('/roles/member')).json()) as { id: string; name: string };
      await admin(`/users/${input.userId}/role-mappings/realm`, {
        method: 'POST',
        body: JSON.stringify([role]),
      });
    },

    /** The accounts the identity provider holds for this member of this garden (by their attributes). */
    async memberAccountIds(input: { gardenId: string; memberId: string }): Promise<string[]> {
      const query = new URLSearchParams({
        q: `member:${input.memberId}`,
        briefRepresentation: 'false',
        max: '20',
      });
      const users = (await (await admin(`/users?${query.toString()}`)).json()) as UserRepresentation[];
      return users
        .filter(
          (user) =>
            (user.attributes?.member ?? []).includes(input.memberId) &&
            (user.attributes?.garden ?? []).includes(input.gardenId),
        )
        .map((user) => user.id);
    },

    /**
     * Deletes a member's account, on their erasure: only an account that belongs to this member
     * of this garden (a staff account bound by mistake is left alone, and said so). An account
     * already gone counts as deleted.
     */
    async deleteMemberAccount(input: {
      userId: string;
      gardenId: string;
      memberId: string;
    }): Promise<'deleted' | 'gone' | 'not-the-member'> {
      const path = `/users/${encodeURIComponent(input.userId)}`;
      try {
        const user = (await (await admin(path)).json()) as UserRepresentation;
        const attributes = user.attributes ?? {};
        if (
          !(attributes.garden ?? []).includes(input.gardenId) ||
          !(attributes.member ?? []).includes(input.memberId)
        ) {
          return 'not-the-member';
        }
        await admin(path, { method: 'DELETE' });
        return 'deleted';
      } catch (error) {
        if (error instanceof AccountNotFoundError) return 'gone';
        throw error;
      }
    },
  };
}
export type KeycloakAccounts = ReturnType<typeof createKeycloakAccounts>;

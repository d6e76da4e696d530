/** The identity provider has no such account: deleted since, retrying finds none either. */
export class AccountNotFoundError extends Error {
  override readonly name = 'AccountNotFoundError';
}

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
  async function adminToken(): Promise<string> {
    const serviceAccount = settings.clientId && settings.clientSecret;
    const tokenRealm = serviceAccount ? settings.realm : 'master';
    const body: Record<string, string> = serviceAccount
      ? {
          grant_type: 'client_credentials',
          client_id: settings.clientId ?? '',
          client_secret: settings.clientSecret ?? '',
        }
      : {
          grant_type: 'password',
          client_id: 'admin-cli',
          username: settings.username ?? '',
          password: settings.password ?? '',
        };
    const response = await fetchImpl(
      `${settings.baseUrl}/realms/${tokenRealm}/protocol/openid-connect/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      },
    );
    if (!response.ok) throw new Error(`Keycloak refused the admin login (${response.status})`);
    return String(((await response.json()) as { access_token: string }).access_token);
  }

  async function admin(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetchImpl(`${settings.baseUrl}/admin/realms/${settings.realm}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${await adminToken()}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
    if (response.status === 404) {
      throw new AccountNotFoundError(`No account ${path} in realm ${settings.realm}`);
    }
    if (!response.ok)
      throw new Error(`Keycloak admin ${init.method ?? 'GET'} ${path} answered ${response.status}`);
    return response;
  }

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
  };
}
export type KeycloakAccounts = ReturnType<typeof createKeycloakAccounts>;

import type { KeycloakAdminSettings } from './keycloak-accounts.ts';

/** The identity provider has no such account: deleted since, retrying finds none either. */
export class AccountNotFoundError extends Error {
  override readonly name = 'AccountNotFoundError';
}

/** Keycloak's admin API refused a request (its status and what it said, for the caller to sort). */
export class KeycloakAdminError extends Error {
  override readonly name = 'KeycloakAdminError';
  readonly status: number;
  readonly detail: string;
  constructor(message: string, status: number, detail: string) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

/**
 * Requests to the realm's admin API, with an admin token fetched when needed and kept until
 * shortly before it expires.
 */
export function createKeycloakAdmin(settings: KeycloakAdminSettings, fetchImpl: typeof fetch = fetch) {
  let cached: { token: string; until: number } | undefined;

  async function adminToken(): Promise<string> {
    if (cached && cached.until > Date.now()) return cached.token;
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
    const answer = (await response.json()) as { access_token: string; expires_in?: number };
    // Kept 30 s less than Keycloak gives it (60 s tokens are the shortest it issues by default).
    const seconds = Math.max((answer.expires_in ?? 60) - 30, 0);
    cached = { token: String(answer.access_token), until: Date.now() + seconds * 1000 };
    return cached.token;
  }

  /** One admin request under the realm; 404 is an `AccountNotFoundError`, other refusals a `KeycloakAdminError`. */
  return async function admin(path: string, init: RequestInit = {}): Promise<Response> {
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
    if (!response.ok) {
      const method = init.method ?? 'GET';
      throw new KeycloakAdminError(
        `Keycloak admin ${method} ${path} answered ${response.status}`,
        response.status,
        await response.text().catch(() => ''),
      );
    }
    return response;
  };
}
export type KeycloakAdmin = ReturnType<typeof createKeycloakAdmin>;

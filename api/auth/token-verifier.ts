import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { CocagneError } from '../../domain/errors.ts';
import { identityFromClaims, type CallerIdentity } from './identity.ts';

export type TokenVerifier = (token: string) => Promise<CallerIdentity>;

export interface TokenVerifierOptions {
  /** The realm's URL, as tokens name it in `iss`. */
  issuer: string;
  audience: string;
  /**
   * How long the identity provider may take to answer discovery or its keys. A hung provider
   * must not hold every request: past this, the caller is told to try again.
   */
  timeoutMs?: number;
}

/** The realm signs access tokens with RS256; a token naming any other algorithm is refused unread. */
const algorithms = ['RS256'];

const unauthenticated = () =>
  new CocagneError('unauthenticated', {
    fr: 'Votre session a expiré ou n’est pas valide : reconnectez-vous.',
    en: 'Your session has expired or is not valid: sign in again.',
  });

/** 503, not 401: a 401 makes the web app forget the session, which is not the person's fault. */
const unavailable = (cause: unknown) =>
  new CocagneError(
    'unavailable',
    {
      fr: "Le service d'identification ne répond pas. Réessayez dans un instant.",
      en: 'The sign-in service is not answering. Try again in a moment.',
    },
    { cause },
  );

/** Key lookups that fail because of the token (no key for its `kid`), not because of the provider. */
const tokenFaults = [
  joseErrors.JWKSNoMatchingKey,
  joseErrors.JWKSMultipleMatchingKeys,
  joseErrors.JOSENotSupported,
];

/**
 * Checks OIDC access tokens against the identity provider's published keys (JWKS, found by
 * discovery once and cached), its issuer and our audience.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let remoteKeys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  async function discoverKeys() {
    const response = await fetch(`${options.issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`discovery answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
    if (typeof jwksUri !== 'string') throw new Error('discovery named no jwks_uri');
    return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutMs });
  }

  /** Concurrent first requests share one discovery; a failed one is forgotten, so the next request tries again. */
  function keySet() {
    remoteKeys ??= discoverKeys().catch((error: unknown) => {
      remoteKeys = undefined;
      throw error;
    });
    return remoteKeys;
  }

  const key: JWTVerifyGetKey = async (header, token) => {
    let keys: Awaited<ReturnType<typeof keySet>> | undefined;
    try {
      keys = await keySet();
      return await keys(header, token);
    } catch (error) {
      if (tokenFaults.some((fault) => error instanceof fault)) throw error;
      // Keys already read stay good while the provider cannot be reached to refresh them.
      const known = keys?.jwks();
      if (known) return createLocalJWKSet(known)(header, token);
      throw unavailable(error);
    }
  };

  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms,
        requiredClaims: ['sub', 'exp'],
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated();
      return identityFromClaims(payload);
    } catch (error) {
      if (error instanceof CocagneError) throw error;
      if (error instanceof joseErrors.JOSEError) throw unauthenticated();
      throw error;
    }
  };
}

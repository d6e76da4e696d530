import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { CocagneError } from '../../domain/errors.ts';
import { identityFromClaims, type CallerIdentity } from './identity.ts';

export type TokenVerifier = (token: string) => Promise<CallerIdentity>;

const unauthenticated = () =>
  new CocagneError('unauthenticated', {
    fr: 'Votre session a expiré ou n’est pas valide : reconnectez-vous.',
    en: 'Your session has expired or is not valid: sign in again.',
  });

/**
 * Checks OIDC access tokens against the identity provider's published keys (JWKS, found by
 * discovery and cached), its issuer and our audience.
 */
export function createTokenVerifier(options: { issuer: string; audience: string }): TokenVerifier {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  async function keySet() {
    if (keys) return keys;
    let jwksUri: string;
    try {
      const response = await fetch(`${options.issuer}/.well-known/openid-configuration`);
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      jwksUri = ((await response.json()) as { jwks_uri: string }).jwks_uri;
    } catch (error) {
      throw new CocagneError(
        'unavailable',
        {
          fr: "Le service d'identification ne répond pas. Réessayez dans un instant.",
          en: 'The sign-in service is not answering. Try again in a moment.',
        },
        { cause: error },
      );
    }
    keys = createRemoteJWKSet(new URL(jwksUri));
    return keys;
  }

  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, await keySet(), {
        issuer: options.issuer,
        audience: options.audience,
      });
      return identityFromClaims(payload);
    } catch (error) {
      if (error instanceof CocagneError) throw error;
      if (error instanceof joseErrors.JOSEError) throw unauthenticated();
      throw error;
    }
  };
}

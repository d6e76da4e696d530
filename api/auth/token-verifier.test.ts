import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCocagneError } from '../../domain/errors.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../../tests/support/keycloak.ts';
import { buildApp } from '../app.ts';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.ts';
import { unreachableServices } from '../../tests/support/unreachable-services.ts';

/**
 * An identity provider that answers as Keycloak does (discovery, then its key set), and that
 * can be made to hang or fail, as a Keycloak in trouble does. The real Keycloak is checked at
 * the end.
 */
type Behaviour = 'answer' | 'hang' | 'fail';
interface Provider {
  issuer: string;
  discovery: Behaviour;
  keys: Behaviour;
  /** The key set as published; Keycloak names the algorithm of each key, not every provider does. */
  jwks: { keys: JWK[] };
  requests: { discovery: number; keys: number };
  close(): Promise<void>;
}

async function startProvider(jwks: { keys: JWK[] }): Promise<Provider> {
  const hanging = new Set<ServerResponse>();
  const provider = {
    issuer: '',
    discovery: 'answer' as Behaviour,
    keys: 'answer' as Behaviour,
    jwks,
    requests: { discovery: 0, keys: 0 },
    close: async () => undefined,
  };
  const server: Server = createServer((request, response) => {
    const isDiscovery = request.url?.endsWith('/.well-known/openid-configuration') === true;
    if (isDiscovery) provider.requests.discovery += 1;
    else provider.requests.keys += 1;
    const behaviour = isDiscovery ? provider.discovery : provider.keys;
    if (behaviour === 'hang') {
      hanging.add(response);
      return;
    }
    if (behaviour === 'fail') {
      response.writeHead(502).end('Bad Gateway');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        isDiscovery
          ? { issuer: provider.issuer, jwks_uri: `${provider.issuer}/protocol/openid-connect/certs` }
          : provider.jwks,
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/test`;
  provider.close = async () => {
    for (const response of hanging) response.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return provider;
}

const audience = 'cocagne-api';

async function outcome(verify: TokenVerifier, token: string): Promise<string> {
  try {
    const identity = await verify(token);
    return `ok:${identity.userId}`;
  } catch (error) {
    if (isCocagneError(error)) return error.code;
    throw error;
  }
}

describe('access tokens', () => {
  let provider: Provider;
  let privateKey: CryptoKey;
  let privateJwk: JWK;
  let publicJwk: JWK;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    privateJwk = await exportJWK(pair.privateKey);
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'realm-key', use: 'sig' };
  });

  afterEach(async () => {
    await provider?.close();
  });

  const claims = (): JWTPayload => ({
    iss: provider.issuer,
    aud: audience,
    sub: 'user-1',
    exp: Math.floor(Date.now() / 1000) + 300,
    preferred_username: 'camille',
    realm_access: { roles: ['staff'] },
    garden: 'val-du-doubs',
  });

  async function sign(payload: JWTPayload, alg = 'RS256'): Promise<string> {
    const key = alg === 'RS256' ? privateKey : await importJWK(privateJwk, alg);
    return new SignJWT(payload).setProtectedHeader({ alg, kid: 'realm-key', typ: 'JWT' }).sign(key);
  }

  const verifier = (timeoutMs = 500) => createTokenVerifier({ issuer: provider.issuer, audience, timeoutMs });

  it('accepts a token the realm signed (RS256) with its subject and expiry', async () => {
    provider = await startProvider({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    const identity = await verifier()(await sign(claims()));
    expect(identity).toMatchObject({
      userId: 'user-1',
      username: 'camille',
      roles: ['staff'],
      gardenId: 'val-du-doubs',
    });
  });

  it('refuses a token signed with another algorithm, even with the realm key (401)', async () => {
    // Providers may publish keys without naming their algorithm: the verifier must pin it itself.
    provider = await startProvider({ keys: [publicJwk] });
    const verify = verifier();
    expect(await outcome(verify, await sign(claims(), 'RS512'))).toBe('unauthenticated');
    expect(await outcome(verify, await sign(claims(), 'PS256'))).toBe('unauthenticated');
    expect(await outcome(verify, await sign(claims()))).toBe('ok:user-1');
  });

  it('refuses an unsigned token (alg none) and one signed with the public key as an HMAC secret (401)', async () => {
    provider = await startProvider({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    const verify = verifier();
    const unsigned = new UnsecuredJWT(claims()).encode();
    expect(await outcome(verify, unsigned)).toBe('unauthenticated');
    const publicPem = await exportSPKI((await importJWK(publicJwk, 'RS256')) as CryptoKey);
    const hmac = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: 'realm-key' })
      .sign(new TextEncoder().encode(publicPem));
    expect(await outcome(verify, hmac)).toBe('unauthenticated');
    // Refused on their algorithm alone: they never make the API fetch keys.
    expect(provider.requests.keys).toBe(0);
  });

  it('refuses a token without a subject or without an expiry (401)', async () => {
    provider = await startProvider({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    const verify = verifier();
    const { sub: _sub, ...withoutSubject } = claims();
    const { exp: _exp, ...withoutExpiry } = claims();
    expect(await outcome(verify, await sign(withoutSubject))).toBe('unauthenticated');
    expect(await outcome(verify, await sign({ ...claims(), sub: '' }))).toBe('unauthenticated');
    expect(await outcome(verify, await sign(withoutExpiry))).toBe('unauthenticated');
    expect(await outcome(verify, await sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 10 }))).toBe(
      'unauthenticated',
    );
  });

  it('reads the discovery document once, even for many first requests at the same time', async () => {
    provider = await startProvider({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    const verify = verifier();
    const token = await sign(claims());
    const results = await Promise.all(Array.from({ length: 10 }, () => outcome(verify, token)));
    expect(results).toEqual(Array.from({ length: 10 }, () => 'ok:user-1'));
    await outcome(verify, token);
    expect(provider.requests.discovery).toBe(1);
    expect(provider.requests.keys).toBe(1);
  });

  it('answers "try again" (503), not "sign in again", when discovery hangs, and recovers after', async () => {
    provider = await startProvider({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    provider.discovery = 'hang';
    const verify = verifier(300);
    const token = await sign(claims());
    const started = Date.now();
    expect(await outcome(verify, token)).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(3_000);
    provider.discovery = 'answer';
    expect(await outcome(verify, token)).toBe('ok:user-1');
  });

  it('answers 503 when the key set fails or hangs', async () => {
    provider = await startProvider({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    const token = await sign(claims());
    provider.keys = 'fail';
    expect(await outcome(verifier(), token)).toBe('unavailable');
    provider.keys = 'hang';
    const started = Date.now();
    expect(await outcome(verifier(300), token)).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('answers 503 when the identity provider cannot be reached at all', async () => {
    provider = await startProvider({ keys: [] });
    const token = await sign(claims());
    const unreachable = provider.issuer;
    await provider.close();
    const verify = createTokenVerifier({ issuer: unreachable, audience, timeoutMs: 500 });
    expect(await outcome(verify, token)).toBe('unavailable');
  });

  it('through the app: 503 with « Réessayez », and 401 only for a bad token', async () => {
    provider = await startProvider({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    provider.discovery = 'hang';
    const app = await buildApp({
      services: unreachableServices(),
      verifyToken: createTokenVerifier({ issuer: provider.issuer, audience, timeoutMs: 300 }),
      oidcIssuer: provider.issuer,
      webClientId: 'cocagne-web',
    });
    try {
      const { garden: _garden, ...claimsWithoutGarden } = claims();
      const token = await sign(claimsWithoutGarden);
      const down = await app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({
        error: 'unavailable',
        message: expect.stringMatching(/Réessayez/),
      });

      const unsigned = new UnsecuredJWT(claims()).encode();
      const forged = await app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${unsigned}` },
      });
      expect(forged.statusCode).toBe(401);

      provider.discovery = 'answer';
      const up = await app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(up.statusCode, up.body).toBe(200);
      expect(up.json()).toMatchObject({ userId: 'user-1' });
    } finally {
      await app.close();
    }
  });
});

describe('access tokens of the real local Keycloak', () => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await createAccount({ role: 'staff', gardenId: 't-tokens' });
  });
  afterAll(async () => {
    if (account) await deleteAccounts([account]);
  });

  it('are RS256, carry sub and exp, and pass the verifier', async () => {
    const env = testEnvironment();
    const verify = createTokenVerifier({ issuer: env.OIDC_ISSUER ?? '', audience: env.OIDC_AUDIENCE ?? '' });
    const token = await account.token();
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      alg: string;
    };
    expect(header.alg).toBe('RS256');
    expect(await verify(token)).toMatchObject({
      userId: account.userId,
      roles: ['staff'],
      gardenId: 't-tokens',
    });
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertWebBuilt, webDist } from '../tests/support/browser.ts';
import { buildApp, type App, type AppOptions } from './app.ts';
import type { CallerIdentity } from './auth/identity.ts';
import { tileSource } from './plugins/security-headers.ts';
import { unreachableServices } from '../tests/support/unreachable-services.ts';

const staff: CallerIdentity = {
  userId: 'u1',
  username: 'equipe',
  name: 'Équipe',
  roles: ['staff'],
  gardenId: 'g-test',
};
const issuer = 'https://id.example.org/realms/cocagne';

/** The app as the server builds it, over services that no request here reaches. */
function app(options: Pick<AppOptions, 'publicUrl' | 'map'>): Promise<App> {
  return buildApp({
    services: unreachableServices(),
    verifyToken: async () => staff,
    oidcIssuer: issuer,
    webClientId: 'cocagne-web',
    webDist,
    ...options,
  });
}

/** Directive → sources, from a Content-Security-Policy header. */
function policyOf(header: string | string[] | number | undefined): Map<string, string[]> {
  const policy = new Map<string, string[]>();
  for (const part of String(header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) policy.set(name, sources);
  }
  return policy;
}

describe('security headers', () => {
  let plain: App;
  let tls: App;

  beforeAll(async () => {
    assertWebBuilt();
    plain = await app({
      publicUrl: 'http://localhost:8080',
      map: { tileUrl: 'https://{s}.tiles.example.net/{z}/{x}/{y}.png', attribution: '©' },
    });
    tls = await app({ publicUrl: 'https://cocagne.example.org' });
  });
  afterAll(async () => {
    await plain?.close();
    await tls?.close();
  });

  it('sends a Content-Security-Policy without inline scripts that lets Keycloak, Stripe and the tiles in', async () => {
    const response = await plain.inject({ method: 'GET', url: '/api/health' });
    const policy = policyOf(response.headers['content-security-policy']);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual([
      "'self'",
      "'wasm-unsafe-eval'",
      'https://js.stripe.com',
      'https://*.js.stripe.com',
    ]);
    expect(policy.get('script-src-attr')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual([
      "'self'",
      'blob:',
      'https://id.example.org',
      'https://api.stripe.com',
    ]);
    expect(policy.get('frame-src')).toEqual([
      "'self'",
      'https://id.example.org',
      'https://js.stripe.com',
      'https://*.js.stripe.com',
      'https://hooks.stripe.com',
    ]);
    expect(policy.get('img-src')).toContain('https://*.tiles.example.net');
    expect(policy.get('frame-ancestors')).toEqual(["'self'"]);
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    // Plain HTTP (local): no HSTS, which would pin browsers to an https that does not exist.
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('asks for HTTPS (HSTS, upgraded requests) when the app is served over TLS', async () => {
    const response = await tls.inject({ method: 'GET', url: '/api/health' });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    const policy = policyOf(response.headers['content-security-policy']);
    expect(policy.has('upgrade-insecure-requests')).toBe(true);
    expect(policy.get('img-src')).toContain('https://tile.openstreetmap.org');
  });

  it('sends them on pages, errors and the API documentation too', async () => {
    for (const url of ['/', '/equipe/adherents', '/api/nowhere', '/docs/']) {
      const response = await plain.inject({ method: 'GET', url });
      expect(response.headers['content-security-policy'], url).toMatch(
        /script-src 'self' 'wasm-unsafe-eval' https:\/\/js\.stripe\.com/,
      );
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
    const refused = await plain.inject({ method: 'GET', url: '/api/gardens/g-test/members' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('serves a web app whose page runs no inline script', () => {
    const page = readFileSync(`${webDist}/index.html`, 'utf8');
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\//);
      expect(body?.trim()).toBe('');
    }
    expect(page).not.toMatch(/\bon[a-z]+\s*=/i);
  });

  it('turns a tile template into the source that allows it, and nothing wider', () => {
    expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe(
      'https://tile.openstreetmap.org',
    );
    expect(tileSource('https://{s}.tile.example.org/{z}/{x}/{y}.png')).toBe('https://*.tile.example.org');
    expect(tileSource('http://127.0.0.1:8090/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:8090');
    expect(tileSource('https://{r}.example.org/{z}.png')).toBe('https://tile.openstreetmap.org');
    expect(tileSource(undefined)).toBe('https://tile.openstreetmap.org');
  });
});

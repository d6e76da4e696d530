import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDirectory } from '../web/precompress.ts';
import { buildApp, type App } from './app.ts';
import type { CallerIdentity } from './auth/identity.ts';
import { unreachableServices } from '../tests/support/unreachable-services.ts';

const staff: CallerIdentity = {
  userId: 'u1',
  username: 'equipe',
  name: 'Équipe',
  roles: ['staff'],
  gardenId: 'g-test',
};

const script = `export const greeting = ${JSON.stringify('Bonjour les jardins ! '.repeat(400))};\n`;
const page = `<!doctype html><html lang="fr"><head><title>Cocagne</title>${'<meta name="x" content="y">'.repeat(60)}</head><body><div id="app"></div><script type="module" src="/assets/index-4f9a2c.js"></script></body></html>`;

/** A built web app in miniature: a page, a hashed script and a favicon, precompressed like a build. */
async function builtApp(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cocagne-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), page);
  writeFileSync(join(dir, 'assets', 'index-4f9a2c.js'), script);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await precompressDirectory(dir);
  return dir;
}

describe('the web app as a phone on a slow link gets it', () => {
  let dir: string;
  let app: App;

  beforeAll(async () => {
    dir = await builtApp();
    app = await buildApp({
      services: unreachableServices(),
      verifyToken: async () => staff,
      oidcIssuer: 'https://id.example.org/realms/cocagne',
      webClientId: 'cocagne-web',
      webDist: dir,
      publicUrl: 'http://localhost:8080',
    });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes brotli and gzip forms of text files at build time, and leaves tiny files alone', () => {
    const original = readFileSync(join(dir, 'assets', 'index-4f9a2c.js'));
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'index-4f9a2c.js.br')))).toEqual(original);
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'index-4f9a2c.js.gz')))).toEqual(original);
    expect(() => readFileSync(join(dir, 'favicon.svg.br'))).toThrow();
  });

  it('sends the brotli form to a browser that takes it, kept for a year as the name carries a hash', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/assets/index-4f9a2c.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.rawPayload.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(script);
  });

  it('sends gzip to a browser without brotli, and the plain file to one that takes neither', async () => {
    const gzipped = await app.inject({
      method: 'GET',
      url: '/assets/index-4f9a2c.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(script);

    const plain = await app.inject({
      method: 'GET',
      url: '/assets/index-4f9a2c.js',
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('asks again for the page at every visit, so a new version reaches people', async () => {
    for (const url of ['/', '/adherent', '/equipe/semaines/2026-W50']) {
      const response = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(response.headers['cache-control'], url).toBe('no-cache');
      const body =
        response.headers['content-encoding'] === 'br'
          ? brotliDecompressSync(response.rawPayload).toString()
          : response.body;
      expect(body, url).toBe(page);
    }
  });

  it('has a favicon, and a missing file is still a 404', async () => {
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');

    const missing = await app.inject({ method: 'GET', url: '/assets/missing-0000.js' });
    expect(missing.statusCode).toBe(404);
  });
});

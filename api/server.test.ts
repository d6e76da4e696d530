import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../tests/support/environment.ts';
import { assertWebBuilt } from '../tests/support/browser.ts';

// The API process as `npm start` runs it: its own entry file, the local environment, a port
// of its own. It must boot, validate its configuration, and serve the web app and the API.
const server = fileURLToPath(new URL('./server.ts', import.meta.url));
const port = 8097;

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

describe('the API process', () => {
  let running: ChildProcess | undefined;

  beforeAll(async () => {
    assertWebBuilt();
    const { child, output } = start({ ...testEnvironment(), HTTP_PORT: String(port), LOG_LEVEL: 'warn' });
    running = child;
    const deadline = Date.now() + 30_000;
    while (
      (await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    ) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the API did not start:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  });

  afterAll(() => {
    running?.kill('SIGTERM');
  });

  it('serves the web app at / and on any page address, and the API beside it', async () => {
    for (const path of ['/', '/equipe/adherents']) {
      const page = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/html/);
      expect(await page.text()).toMatch(/<div id="app"/);
    }
    const config = await fetch(`http://127.0.0.1:${port}/api/config`);
    expect(await config.json()).toMatchObject({ oidc: { realm: 'cocagne' } });
    const missing = await fetch(`http://127.0.0.1:${port}/api/nothing-here`);
    expect(missing.status).toBe(404);
    const missingAsset = await fetch(`http://127.0.0.1:${port}/assets/no-such-file.js`);
    expect(missingAsset.status).toBe(404);
  });

  it('serves files the web build adds while it runs (a rebuild needs no restart)', async () => {
    const name = `probe-${process.pid}-${Date.now()}.txt`;
    const file = join(testEnvironment().WEB_DIST ?? '', name);
    await writeFile(file, 'fresh');
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/${name}`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('fresh');
    } finally {
      await rm(file);
    }
  });

  it('refuses to start with a missing or malformed setting, and says which', async () => {
    const env = { ...testEnvironment(), HTTP_PORT: 'huit-mille', OIDC_ISSUER: '' };
    const { child, output } = start(env);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output()).toMatch(/Invalid configuration/);
    expect(output()).toMatch(/HTTP_PORT/);
    expect(output()).toMatch(/OIDC_ISSUER: missing/);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { portSettings } from '../local/ports.ts';

/**
 * The local demo realm (realm-cocagne.json) and the theme it names: people reset their password
 * and verify their address by email, through the local SMTP relay; the demo users still sign
 * in with no email step; the theme has Cocagne's words in French and English.
 */

interface Realm {
  [setting: string]: unknown;
  smtpServer: Record<string, string>;
  users: Array<{ username: string; emailVerified?: boolean; email?: string }>;
}

const local = JSON.parse(readFileSync(new URL('./realm-cocagne.json', import.meta.url), 'utf8')) as Realm;
const theme = new URL('./themes/cocagne/', import.meta.url);
const themeFile = (path: string) => readFileSync(new URL(path, theme), 'utf8');

/** The keys of a Java properties file (comments and blank lines left out). */
const keysOf = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.slice(0, line.indexOf('=')));

describe('the local Keycloak realm', () => {
  it('offers password reset and verifies the address of those who register', () => {
    expect(local).toMatchObject({
      registrationAllowed: true,
      resetPasswordAllowed: true,
      verifyEmail: true,
      loginWithEmailAllowed: true,
    });
  });

  it('sends its emails to the local SMTP relay, from the sender SES knows', () => {
    expect(local.smtpServer).toMatchObject({
      host: '127.0.0.1',
      port: String(portSettings.smtp.defaultPort),
      from: 'ne-pas-repondre@cocagne.local',
      auth: 'false',
    });
  });

  it('hashes passwords cheaply, being local only, while production keeps Keycloak’s strong default', () => {
    // Each sign-in and each account a test makes hashes a password: a password grant took
    // 100–125 ms of Keycloak's CPU with its default (Argon2id, 5 passes over 7 MB), 40–60 ms so.
    expect(local.passwordPolicy).toBe('hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)');
    const production = JSON.parse(
      readFileSync(new URL('./realm-production.json', import.meta.url), 'utf8'),
    ) as Realm;
    expect(String(production.passwordPolicy)).not.toMatch(/hashAlgorithm|hashIterations/);
  });

  it('keeps every demo user verified, so that none meets an email step', () => {
    expect(local.users.length).toBeGreaterThan(0);
    for (const user of local.users) {
      expect(user.emailVerified, user.username).toBe(true);
      expect(user.email, user.username).toMatch(/@/);
    }
  });
});

describe('the cocagne Keycloak theme', () => {
  it('is a login theme on Keycloak’s own pages with Cocagne’s stylesheet, and an email theme', () => {
    const login = themeFile('login/theme.properties');
    expect(login).toMatch(/^parent=keycloak\.v2$/m);
    expect(login).toMatch(/^styles=css\/styles\.css css\/cocagne\.css$/m);
    expect(login).toMatch(/^locales=fr,en$/m);
    expect(existsSync(new URL('login/resources/css/cocagne.css', theme))).toBe(true);
    expect(themeFile('email/theme.properties')).toMatch(/^parent=base$/m);
  });

  it('uses the app’s colours (web/src/styles/tokens.css)', () => {
    const app = readFileSync(new URL('../../web/src/styles/tokens.css', import.meta.url), 'utf8');
    const css = themeFile('login/resources/css/cocagne.css');
    for (const name of ['green', 'green-dark', 'ink', 'line', 'background']) {
      const colour = new RegExp(`--${name}: (#[0-9a-f]{6});`).exec(app)?.[1];
      expect(colour, name).toBeDefined();
      expect(css, name).toContain(`--cocagne-${name}: ${colour};`);
    }
  });

  it('has the same words in French and in English, with no straight apostrophe (MessageFormat)', () => {
    for (const kind of ['login', 'email']) {
      const fr = themeFile(`${kind}/messages/messages_fr.properties`);
      const en = themeFile(`${kind}/messages/messages_en.properties`);
      expect(keysOf(en).sort(), kind).toEqual(keysOf(fr).sort());
      for (const text of [fr, en]) {
        const values = text.split('\n').filter((line) => !line.startsWith('#'));
        expect(
          values.filter((line) => /[^']'[^']/.test(line)),
          kind,
        ).toEqual([]);
      }
    }
    expect(themeFile('login/messages/messages_fr.properties')).toMatch(
      /^doForgotPassword=Mot de passe oublié \?$/m,
    );
  });
});

import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

export interface SecurityHeadersOptions {
  /** The Keycloak realm URL: the web app signs in there (redirects, token calls, login iframe). */
  oidcIssuer: string;
  /** The address people reach the app at; HSTS only when it is https. */
  publicUrl: string;
  /** The maps' tile URL template (Leaflet's, `{s}` for a subdomain). */
  tileUrl: string | undefined;
}

/** Stripe.js and its card and IBAN frames, as Stripe documents them for a Content-Security-Policy. */
const stripe = {
  scripts: ['https://js.stripe.com', 'https://*.js.stripe.com'],
  frames: ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
  connections: ['https://api.stripe.com'],
};

/** OpenStreetMap's tiles: what the maps use when no tile URL is configured. */
const openStreetMapTiles = 'https://tile.openstreetmap.org';

/**
 * The CSP source of a Leaflet tile template: its scheme and host, a `{s}` subdomain becoming a
 * wildcard (`https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`).
 */
export function tileSource(template: string | undefined): string {
  const match = /^(https?):\/\/([^/?#]+)/i.exec(template ?? '');
  if (!match) return openStreetMapTiles;
  const host = (match[2] ?? '').replace(/\{s\}/g, '*');
  // Any other placeholder in the host cannot be written as a source: better no tiles than any host.
  return /[{}]/.test(host) ? openStreetMapTiles : `${match[1]?.toLowerCase()}://${host}`;
}

/** The policy of every page and answer; the web app's build has no inline script, so none is allowed. */
export function contentSecurityPolicy(options: SecurityHeadersOptions): Record<string, string[]> {
  const identity = new URL(options.oidcIssuer).origin;
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'object-src': ["'none'"],
    // 'wasm-unsafe-eval': the application form compiles the garden's sign-up-checks extension
    // (WebAssembly, served by the API) in a worker; it allows WebAssembly only, not eval().
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...stripe.scripts],
    'script-src-attr': ["'none'"],
    // Inline style attributes stay allowed: Leaflet, the calendar and Stripe's fields set them.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', tileSource(options.tileUrl)],
    'font-src': ["'self'", 'data:'],
    // blob: the printed documents the app fetched (with the token) and holds as object URLs.
    'connect-src': ["'self'", 'blob:', identity, ...stripe.connections],
    // 'self': keycloak-js checks a returning person's session in a hidden frame that Keycloak
    // sends back to /silent-check-sso.html.
    'frame-src': ["'self'", identity, ...stripe.frames],
    // keycloak-js may post its logout form to the realm.
    'form-action': ["'self'", identity],
    // Same origin only: keycloak-js's silent check frames a page of the app itself.
    'frame-ancestors': ["'self'"],
  };
  if (isTls(options.publicUrl)) directives['upgrade-insecure-requests'] = [];
  return directives;
}

const isTls = (publicUrl: string) => publicUrl.toLowerCase().startsWith('https://');

/**
 * Security headers on every answer (pages, API, errors): the Content-Security-Policy above,
 * nosniff, a referrer that names only our origin to others (map tile servers ask for one), and
 * HSTS when the app is served over TLS.
 */
export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  async (app, options) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(options) },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      strictTransportSecurity: isTls(options.publicUrl)
        ? { maxAge: 365 * 24 * 3600, includeSubDomains: false }
        : false,
      xContentTypeOptions: true,
      xFrameOptions: { action: 'sameorigin' },
    });
  },
  { name: 'security-headers' },
);

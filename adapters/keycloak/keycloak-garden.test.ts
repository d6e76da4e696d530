import { describe, expect, it } from 'vitest';
import { readConfiguration } from '../../domain/configuration.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { webClientRedirectUris } from '../../tests/support/keycloak.ts';
import { createKeycloakGarden, gardenGroupName } from './keycloak-garden.ts';
import { KeycloakAdminEnvironment, keycloakAdminFrom } from './keycloak-settings.ts';

/**
 * An answer the local Keycloak never gives (it always names the new group in `Location`), so a
 * fake one here: the real calls are checked by workflows/garden-provisioning/workflow.test.ts
 * (and the web client's addresses against the local Keycloak below).
 */
function keycloakWithoutLocation() {
  const groups: Array<{ id: string; name: string }> = [];
  const requests: string[] = [];
  const fetchImpl = (async (url: string | URL | Request, init: RequestInit = {}) => {
    const address = new URL(url instanceof Request ? url.url : url);
    const method = init.method ?? 'GET';
    requests.push(`${method} ${address.pathname}`);
    if (address.pathname.endsWith('/openid-connect/token')) {
      return Response.json({ access_token: 'token', expires_in: 300 });
    }
    if (address.pathname === '/admin/realms/cocagne/groups' && method === 'GET') {
      const name = address.searchParams.get('search');
      return Response.json(groups.filter((group) => group.name === name));
    }
    if (address.pathname === '/admin/realms/cocagne/groups' && method === 'POST') {
      const { name } = JSON.parse(init.body as string) as { name: string };
      groups.push({ id: `group-${groups.length + 1}`, name });
      // Created, without the `Location` header.
      return new Response(null, { status: 201 });
    }
    return new Response('not here', { status: 404 });
  }) as typeof fetch;
  return { fetchImpl, groups, requests };
}

describe("a garden's group in Keycloak", () => {
  it('is read again by its name when the creation answer does not say where it is', async () => {
    const keycloak = keycloakWithoutLocation();
    const garden = createKeycloakGarden(
      { baseUrl: 'http://keycloak.test', realm: 'cocagne', username: 'admin', password: 'admin' },
      {},
      keycloak.fetchImpl,
    );
    expect(await garden.ensureGroup('val-du-doubs')).toBe('group-1');
    expect(keycloak.groups).toEqual([{ id: 'group-1', name: gardenGroupName('val-du-doubs') }]);
    // Safe to repeat: found, not created again.
    expect(await garden.ensureGroup('val-du-doubs')).toBe('group-1');
    expect(
      keycloak.requests.filter((request) => request === 'POST /admin/realms/cocagne/groups'),
    ).toHaveLength(1);
  });
});

describe("a garden's own host name in the local Keycloak's web client", () => {
  const env = testEnvironment();
  const garden = createKeycloakGarden(keycloakAdminFrom(readConfiguration(KeycloakAdminEnvironment, env)), {
    clientId: env.OIDC_WEB_CLIENT_ID ?? 'cocagne-web',
  });
  const stamp = Date.now().toString(36);
  const hosts = [`a-${stamp}.paniers.example.org`, `b-${stamp}.paniers.example.org`];
  const redirect = (host: string) => `https://${host}/*`;

  it('is added and removed as a sign-in return address, two at once kept, each change safe to repeat', async () => {
    const before = await webClientRedirectUris();
    await Promise.all(hosts.map((host) => garden.allowSiteHost(host)));
    await garden.allowSiteHost(hosts[0]!);
    const added = await webClientRedirectUris();
    expect(added.filter((uri) => uri === redirect(hosts[0]!))).toHaveLength(1);
    expect(added).toContain(redirect(hosts[1]!));
    // The realm's own addresses stay.
    for (const uri of before) expect(added).toContain(uri);

    await garden.forbidSiteHost(hosts[0]!);
    await garden.forbidSiteHost(hosts[0]!);
    const removed = await webClientRedirectUris();
    expect(removed).not.toContain(redirect(hosts[0]!));
    expect(removed).toContain(redirect(hosts[1]!));
    await garden.forbidSiteHost(hosts[1]!);
    expect(await webClientRedirectUris()).toEqual(before);
  });
});

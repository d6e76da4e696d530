import { describe, expect, it } from 'vitest';
import { createKeycloakGarden, gardenGroupName } from './keycloak-garden.ts';

/**
 * An answer the local Keycloak never gives (it always names the new group in `Location`), so a
 * fake one here: the real calls are checked by workflows/garden-provisioning/workflow.test.ts.
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

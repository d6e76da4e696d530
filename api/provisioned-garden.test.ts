import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewGardenRequest, OperationProgress } from '../domain/garden-provisioning.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import {
  acceptInvitation,
  createAccount,
  deleteAccounts,
  forgetSiteHost,
  type TestAccount,
  webClientRedirectUris,
} from '../tests/support/keycloak.ts';
import { kubernetesReady, kubernetesWaitMs } from '../tests/support/kubernetes.ts';
import { uniqueEmail } from '../tests/support/moto.ts';
import { testEnvironment } from '../tests/support/environment.ts';
import { gardenObjectNames } from '../domain/garden-deployment.ts';
import { kubernetesAdminRequest } from '../infra/local/kubernetes-access.ts';

/**
 * A garden created through the API by the real saga (network worker, Keycloak, S3, the local
 * Kubernetes API): its first administrator works in it, and only in it.
 */
describe('a garden created through the API', () => {
  let api: TestApi;
  let networkAdmin: TestAccount;
  let firstAdmin: TestAccount | undefined;
  const slug = `t-cree-${Date.now().toString(36)}`;
  const adminEmail = uniqueEmail('premier-admin');

  beforeAll(async () => {
    await kubernetesReady();
    api = await startTestApi('provisioned', { network: true });
    networkAdmin = await createAccount({ role: 'network-admin' });
  }, kubernetesWaitMs);
  afterAll(async () => {
    await deleteAccounts([networkAdmin, firstAdmin].filter((account) => account !== undefined));
    // The garden stays (no retirement here): its host leaves the local realm's web client.
    await forgetSiteHost(`${slug}.paniers.example.org`);
    await api?.close();
  });

  it('is active once the saga is done, and its first admin sees their garden and no other', async () => {
    const request: NewGardenRequest = {
      slug,
      name: 'Jardin des Tests',
      city: 'Pontarlier',
      legal: { legalName: 'Association Jardin des Tests', siret: '12345678900012', address: '1 rue du Test' },
      contactEmail: 'contact@jardin-des-tests.example.org',
      timeZone: 'Europe/Paris',
      hostName: `${slug}.paniers.example.org`,
      firstAdmin: { firstName: 'Louise', lastName: 'Michel', email: adminEmail },
    };
    const created = await api.call(networkAdmin, 'POST', '/api/network/gardens', request);
    expect(created.statusCode, created.body).toBe(202);
    const operation = `/api/network/gardens/${slug}/operations/create`;
    await expect
      .poll(async () => (await api.call(networkAdmin, 'GET', operation)).json<OperationProgress>().state, {
        timeout: 120_000,
        interval: 1000,
      })
      .toBe('done');
    const listed = (await api.call(networkAdmin, 'GET', '/api/network/gardens')).json<
      Array<{ id: string; state: string }>
    >();
    expect(listed.find((garden) => garden.id === slug)).toMatchObject({
      state: 'active',
      url: `https://${slug}.paniers.example.org/equipe`,
    });
    // Its own host name is served: an Ingress for it in the garden's namespace (the local
    // profile's site: the shared API's Service, class nginx), read as the cluster stores it.
    const names = gardenObjectNames(slug);
    const port = Number(new URL(testEnvironment().KUBERNETES_API_URL!).port);
    const ingress = await kubernetesAdminRequest(
      port,
      'GET',
      `/apis/networking.k8s.io/v1/namespaces/${names.namespace}/ingresses/${names.ingress}`,
    );
    expect(ingress?.status, ingress?.body).toBe(200);
    expect(JSON.parse(ingress!.body)).toMatchObject({
      spec: { ingressClassName: 'nginx', rules: [{ host: `${slug}.paniers.example.org` }] },
    });
    // And people sign in there: Keycloak returns them to the garden's host.
    expect(await webClientRedirectUris()).toContain(`https://${slug}.paniers.example.org/*`);

    firstAdmin = await acceptInvitation(adminEmail);
    const me = await api.call(firstAdmin, 'GET', '/api/me');
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ gardenId: slug, garden: { id: slug, name: 'Jardin des Tests' } });
    expect(me.json<{ roles: string[] }>().roles).toContain('garden-admin');

    // Their own, empty garden.
    const members = await api.call(firstAdmin, 'GET', `/api/gardens/${slug}/members`);
    expect(members.statusCode, members.body).toBe(200);
    expect(members.json<{ members: unknown[] }>().members).toEqual([]);
    expect((await api.call(firstAdmin, 'GET', `/api/gardens/${slug}/rules`)).statusCode).toBe(200);

    // No other garden, read or written; and the other garden's staff do not see theirs.
    for (const [method, path, body] of [
      ['GET', `/api/gardens/${api.gardenId}/members`, undefined],
      ['GET', `/api/gardens/${api.gardenId}/rules`, undefined],
      ['PUT', `/api/gardens/${api.gardenId}/rules`, { version: 1 }],
    ] as const) {
      const answer = await api.call(firstAdmin, method, path, body);
      expect(answer.statusCode, `${method} ${path}: ${answer.body}`).toBe(403);
    }
    const theirs = await api.call(api.accounts.staff, 'GET', `/api/gardens/${slug}/members`);
    expect(theirs.statusCode, theirs.body).toBe(403);
  });

  it('will not give a second garden the same host name: the first step says whose it is, and rolls back', async () => {
    const second = `${slug}-bis`;
    const created = await api.call(networkAdmin, 'POST', '/api/network/gardens', {
      slug: second,
      name: 'Jardin des Tests bis',
      city: 'Pontarlier',
      legal: { legalName: 'Association bis', siret: '12345678900012', address: '2 rue du Test' },
      contactEmail: 'contact@bis.example.org',
      timeZone: 'Europe/Paris',
      hostName: `${slug}.paniers.example.org`,
      firstAdmin: { firstName: 'Emma', lastName: 'Goldman', email: uniqueEmail('bis') },
    });
    expect(created.statusCode, created.body).toBe(202);
    const operation = `/api/network/gardens/${second}/operations/create`;
    const read = async () => (await api.call(networkAdmin, 'GET', operation)).json<OperationProgress>();
    await expect.poll(async () => (await read()).state, { timeout: 60_000, interval: 500 }).toBe('waiting');
    const waiting = await read();
    expect(waiting.steps[0]).toMatchObject({ step: 'reserve', state: 'failed' });
    expect(waiting.steps[0]!.error?.fr).toMatch(/déjà celui du jardin « Jardin des Tests »/);
    const decided = await api.call(networkAdmin, 'POST', `${operation}/decision`, { decision: 'roll-back' });
    expect(decided.statusCode, decided.body).toBeLessThan(300);
    await expect
      .poll(async () => (await read()).state, { timeout: 60_000, interval: 500 })
      .toBe('rolled-back');
    expect(await api.store.gardens.get(second)).toBeUndefined();
    // Its roll-back took nothing of the first garden's: sign-in still returns to its host.
    expect(await webClientRedirectUris()).toContain(`https://${slug}.paniers.example.org/*`);
  });
});

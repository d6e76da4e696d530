// A new release brought to the gardens the workflow deployed, against the local stack's real
// kube-apiserver: the adapter's list of deployed gardens and the refresh that applies them again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfiguration } from '../../domain/configuration.ts';
import type { Garden } from '../../domain/garden.ts';
import { gardenObjectNames } from '../../domain/garden-deployment.ts';
import { createGardenCluster, keptInGitLabel } from '../../adapters/kubernetes/garden-cluster.ts';
import {
  KubernetesEnvironment,
  readGardenDeploymentProfile,
} from '../../adapters/kubernetes/kubernetes-settings.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import {
  finalizeNamespace,
  kubernetesReady,
  kubernetesRequest,
  kubernetesWaitMs,
} from '../../tests/support/kubernetes.ts';
import { refreshDeployedGardens } from './garden-refresh.ts';

const environment = testEnvironment();
const settings = readConfiguration(KubernetesEnvironment, environment);
const profile = readGardenDeploymentProfile(settings.GARDEN_DEPLOYMENT_PROFILE!);
const apiUrl = settings.KUBERNETES_API_URL!;
const admin = {
  apiUrl,
  token: environment.KUBERNETES_LOCAL_ADMIN_TOKEN || settings.KUBERNETES_TOKEN!,
  caFile: settings.KUBERNETES_CA_FILE,
};
const clusterWith = (image: string) =>
  createGardenCluster({
    apiUrl,
    token: settings.KUBERNETES_TOKEN!,
    caFile: settings.KUBERNETES_CA_FILE,
    profile: { ...profile, image },
  });
const digest = (digit: string) => `sha256:${digit.repeat(64)}`;
const oldImage = `registry.cocagne.local/cocagne-worker@${digest('1')}`;
const newImage = `registry.cocagne.local/cocagne-worker@${digest('2')}`;

const stamp = Date.now().toString(36);
const ids: Record<string, string> = {
  active: `rf-actif-${stamp}`,
  retiring: `rf-retrait-${stamp}`,
  suspended: `rf-suspendu-${stamp}`,
  git: `rf-git-${stamp}`,
  never: `rf-jamais-${stamp}`,
};
const garden = (id: string, state: Garden['state']): Garden =>
  ({ id, name: `Jardin ${id}`, timeZone: 'Europe/Paris', state }) as Garden;

async function workerImage(gardenId: string): Promise<string | undefined> {
  const names = gardenObjectNames(gardenId);
  const answer = await kubernetesRequest(
    admin,
    'GET',
    `/apis/apps/v1/namespaces/${names.namespace}/deployments/${names.worker}`,
  );
  if (answer.status === 404) return undefined;
  const spec = answer.body.spec as { template: { spec: { containers: Array<{ image: string }> } } };
  return spec.template.spec.containers[0]!.image;
}

describe('a new release brought to the deployed gardens', () => {
  const before = clusterWith(oldImage);
  const after = clusterWith(newImage);

  beforeAll(async () => {
    await kubernetesReady();
    for (const id of [ids.active!, ids.retiring!, ids.suspended!, ids.git!]) await before.apply(id);
    // A garden kept in Git: Flux's, labelled so (as infra/k8s/gardens does).
    const labelled = await kubernetesRequest(
      admin,
      'PATCH',
      `/api/v1/namespaces/${gardenObjectNames(ids.git!).namespace}`,
      { metadata: { labels: { [keptInGitLabel]: 'true' } } },
      'application/merge-patch+json',
    );
    expect(labelled.status).toBe(200);
  }, kubernetesWaitMs);

  afterAll(async () => {
    await kubernetesRequest(
      admin,
      'PATCH',
      `/api/v1/namespaces/${gardenObjectNames(ids.git!).namespace}`,
      { metadata: { labels: { [keptInGitLabel]: null } } },
      'application/merge-patch+json',
    );
    for (const id of Object.values(ids)) {
      await after.remove(id).catch(() => undefined);
      // As the namespace controller would, once its content is gone (the local stack has none).
      await finalizeNamespace(admin, gardenObjectNames(id).namespace);
    }
  });

  it('lists the gardens the provisioner deployed and owns, not those kept in Git nor never deployed', async () => {
    const deployed = await after.deployedGardens();
    expect(deployed).toEqual(expect.arrayContaining([ids.active!, ids.retiring!]));
    expect(deployed).not.toContain(ids.git!);
    expect(deployed).not.toContain(ids.never!);
  });

  it('leaves out a garden whose namespace is being deleted', async () => {
    const leaving = `rf-depart-${stamp}`;
    await before.apply(leaving);
    await before.remove(leaving);
    expect(await after.deployedGardens()).not.toContain(leaving);
    ids.leaving = leaving;
  });

  it("applies the running ones again with this release's image, and leaves the others as they are", async () => {
    const logged: string[] = [];
    const failed: string[] = [];
    const summary = await refreshDeployedGardens({
      // The registry as this test has it (other tests' gardens are deployed beside: unknown here, left alone).
      gardens: {
        list: async () => [
          garden(ids.active!, 'active'),
          garden(ids.retiring!, 'retiring'),
          garden(ids.suspended!, 'suspended'),
          garden(ids.git!, 'active'),
          garden(ids.never!, 'active'),
        ],
      },
      cluster: after,
      log: (message) => logged.push(message),
      failed: (gardenId) => failed.push(gardenId),
    });
    // Its worker runs while suspended: it moves too.
    expect(summary.refreshed).toEqual([ids.active!, ids.suspended!].sort());
    expect(summary.skipped).toContain(ids.retiring!);
    expect(summary.failed).toEqual([]);
    expect(failed).toEqual([]);
    expect(await workerImage(ids.active!)).toBe(newImage);
    expect(await workerImage(ids.suspended!)).toBe(newImage);
    expect(await workerImage(ids.retiring!)).toBe(oldImage);
    expect(await workerImage(ids.git!)).toBe(oldImage);
    // Never deployed: not made by a refresh.
    expect(await workerImage(ids.never!)).toBeUndefined();
  });

  it('never makes a garden again whose namespace is gone (a retirement that crossed the refresh)', async () => {
    expect(await after.apply(ids.never!, { existingOnly: true })).toEqual([]);
    const namespace = await kubernetesRequest(
      admin,
      'GET',
      `/api/v1/namespaces/${gardenObjectNames(ids.never!).namespace}`,
    );
    expect(namespace.status).toBe(404);
  });

  it('tries a failing garden three times, counts it, and goes on with the next', async () => {
    const failed: string[] = [];
    const logged: string[] = [];
    let calls = 0;
    const summary = await refreshDeployedGardens({
      gardens: { list: async () => [garden('a', 'active'), garden('b', undefined)] },
      cluster: {
        deployedGardens: async () => ['a', 'b'],
        apply: async (gardenId) => {
          calls++;
          if (gardenId === 'a') throw new Error('quota exceeded');
          return ['Deployment/garden-b/cocagne-worker'];
        },
      },
      log: (message) => logged.push(message),
      failed: (gardenId) => failed.push(gardenId),
      retryDelayMs: 1,
    });
    expect(calls).toBe(4);
    expect(summary).toEqual({
      refreshed: ['b'],
      skipped: [],
      failed: [{ gardenId: 'a', message: 'quota exceeded' }],
    });
    expect(failed).toEqual(['a']);
    expect(logged).toContain('garden a not brought to this release after 3 attempts: quota exceeded');
  });

  it("asserts each refreshed garden's own host among the sign-in addresses again", async () => {
    const allowed: string[] = [];
    await refreshDeployedGardens({
      gardens: {
        list: async () => [
          { ...garden('a', 'active'), hostName: 'paniers.a.example.org' },
          garden('b', 'active'),
          { ...garden('c', 'retiring'), hostName: 'paniers.c.example.org' },
        ],
      },
      cluster: {
        deployedGardens: async () => ['a', 'b', 'c'],
        apply: async (gardenId) => [`Deployment/${gardenId}`],
      },
      identity: { allowSiteHost: async (host) => void allowed.push(host) },
      log: () => {},
    });
    expect(allowed).toEqual(['paniers.a.example.org']);
  });

  it('counts no garden as failed when only Keycloak is down: its worker is on the release, the host is logged', async () => {
    const logged: string[] = [];
    const summary = await refreshDeployedGardens({
      gardens: { list: async () => [{ ...garden('a', 'active'), hostName: 'paniers.a.example.org' }] },
      cluster: {
        deployedGardens: async () => ['a'],
        apply: async () => ['Deployment/garden-a/cocagne-worker'],
      },
      identity: {
        allowSiteHost: async () => Promise.reject(new Error('Keycloak refused the admin login (503)')),
      },
      log: (message) => logged.push(message),
      retryDelayMs: 1,
    });
    expect(summary).toEqual({ refreshed: ['a'], skipped: [], failed: [] });
    expect(logged).toContain(
      'garden a: its host paniers.a.example.org not asserted among the sign-in addresses: Keycloak refused the admin login (503)',
    );
  });
});

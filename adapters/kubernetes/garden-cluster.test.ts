import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConfiguration } from '../../domain/configuration.ts';
import {
  defaultWorkerResources,
  gardenDeployment,
  gardenObjectNames,
} from '../../domain/garden-deployment.ts';
import { policyName } from '../../infra/k8s/provisioner-rbac.ts';
import { applyProvisionerRole } from '../../infra/local/kubernetes-access.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import {
  type KubernetesAnswer,
  kubernetesReady,
  kubernetesRequest,
  kubernetesWaitMs,
  finalizeNamespace as finalizeAsController,
} from '../../tests/support/kubernetes.ts';
import {
  createGardenCluster,
  isKubernetesError,
  keptInGitLabel,
  type GardenCluster,
  type GardenDeploymentProfile,
} from './garden-cluster.ts';
import {
  gardenClusterFrom,
  KubernetesEnvironment,
  readGardenDeploymentProfile,
} from './kubernetes-settings.ts';

/**
 * The garden cluster adapter against the local stack's real kube-apiserver (no controller,
 * scheduler or kubelet: objects are stored and validated as a cluster does, pods never run).
 */

const kubernetesVariables = [
  'KUBERNETES_API_URL',
  'KUBERNETES_TOKEN',
  'KUBERNETES_CA_FILE',
  'GARDEN_DEPLOYMENT_PROFILE',
  'KUBERNETES_LOCAL_ADMIN_TOKEN',
] as const;

/** The stack's settings (testEnvironment), with the KUBERNETES_* ones the process was given over them. */
const environment: Record<string, string> = { ...testEnvironment() };
for (const name of kubernetesVariables) {
  const value = process.env[name];
  if (value) environment[name] = value;
}
const settings = readConfiguration(KubernetesEnvironment, environment);
const missing = (['KUBERNETES_API_URL', 'KUBERNETES_TOKEN', 'GARDEN_DEPLOYMENT_PROFILE'] as const).filter(
  (name) => !settings[name],
);
if (missing.length > 0)
  throw new Error(`${missing.join(', ')} not set: run the tests with the local stack's environment.`);

const apiUrl = settings.KUBERNETES_API_URL!;
const profile = readGardenDeploymentProfile(settings.GARDEN_DEPLOYMENT_PROFILE!);
/** A garden's settings from the profile, without a host name of its own. */
const settingsOf = (gardenId: string) => {
  const { site: _site, ...shared } = profile;
  return { ...shared, gardenId };
};

/**
 * What a controller does (the Deployment controller writes a status, the namespace controller
 * finalizes a namespace) goes through the local stack's administrator token: the provisioner's
 * role rightly has no right to it.
 */
const adminToken = environment.KUBERNETES_LOCAL_ADMIN_TOKEN || settings.KUBERNETES_TOKEN!;
const caFile = settings.KUBERNETES_CA_FILE;

type Answer = KubernetesAnswer;

/** One request to the API server as it is (as a controller would make it), by default as the administrator. */
const controllerRequest = (
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  token = adminToken,
): Promise<Answer> => kubernetesRequest({ apiUrl, token, caFile }, method, path, body, contentType);

/** The REST path of one of the garden's objects. */
function pathOf(object: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}) {
  const plural: Record<string, string> = {
    Namespace: 'namespaces',
    ResourceQuota: 'resourcequotas',
    LimitRange: 'limitranges',
    NetworkPolicy: 'networkpolicies',
    ServiceAccount: 'serviceaccounts',
    ConfigMap: 'configmaps',
    Deployment: 'deployments',
    PodDisruptionBudget: 'poddisruptionbudgets',
    Service: 'services',
    Ingress: 'ingresses',
  };
  const root = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
  const namespace = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
  return `${root}${namespace}/${plural[object.kind]}/${object.metadata.name}`;
}

/**
 * A quantity as the API server writes it back: `2000m` is stored as `2`, `1024Mi` as `1Gi`
 * (the same amount; server-side apply compares amounts, so this is no change to it).
 */
function canonicalQuantities(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((each) => canonicalQuantities(each));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([name, each]) => [name, canonicalQuantities(each, name)]),
    );
  if (typeof value !== 'string' || !/(^|\.)(cpu|memory)$/.test(key)) return value;
  const millis = /^(\d+)000m$/.exec(value);
  if (millis) return millis[1];
  const mebibytes = /^(\d+)Mi$/.exec(value);
  if (mebibytes && Number(mebibytes[1]) % 1024 === 0) return `${Number(mebibytes[1]) / 1024}Gi`;
  return value;
}

async function stored(object: Parameters<typeof pathOf>[0]): Promise<Answer> {
  return controllerRequest('GET', pathOf(object));
}

/** As the namespace controller does once a namespace's content is gone: lets the server delete it. */
async function finalizeNamespace(namespace: string): Promise<void> {
  const status = await finalizeAsController({ apiUrl, token: adminToken, caFile }, namespace);
  expect([200, 404, 409]).toContain(status);
}

/** A request as the provisioner, with the token the adapter uses. */
const provisionerRequest = (method: string, path: string, body?: unknown, contentType?: string) =>
  controllerRequest(method, path, body, contentType, settings.KUBERNETES_TOKEN);

/** A ConfigMap for `namespace`, created in dry run (admission runs in full, nothing is stored). */
const dryConfigMap = (namespace: string) =>
  provisionerRequest('POST', `/api/v1/namespaces/${namespace}/configmaps?dryRun=All`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cocagne-policy-check' },
    data: { check: 'yes' },
  });

/**
 * The provisioner's role and the admission policy that confines it, applied as the local stack's
 * provisioning does (idempotent), before the stack's own provisioning has them. The API server
 * loads a new policy within moments: this waits until it refuses, for at most 30 s.
 */
beforeAll(async () => {
  await kubernetesReady();
  await applyProvisionerRole(Number(new URL(apiUrl).port));
  for (let attempt = 0; ; attempt++) {
    const answer = await dryConfigMap('default');
    if (answer.status === 403 && String(answer.body.message).includes(policyName)) return;
    if (attempt >= 60)
      throw new Error(
        `The admission policy ${policyName} is not enforced: the provisioner's dry-run ConfigMap in default got ${answer.status} ${String(answer.body.message)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, kubernetesWaitMs);

const gardensMade: string[] = [];
/** A garden id of this test's own (each test works in its own namespace). */
function newGardenId(purpose: string): string {
  const gardenId = `k8s-${purpose}-${randomUUID().slice(0, 8)}`;
  gardensMade.push(gardenId);
  return gardenId;
}

const cluster: GardenCluster = createGardenCluster({
  apiUrl,
  token: settings.KUBERNETES_TOKEN!,
  caFile: settings.KUBERNETES_CA_FILE,
  profile,
});
const clusterWith = (changes: Partial<GardenDeploymentProfile>) =>
  createGardenCluster({
    apiUrl,
    token: settings.KUBERNETES_TOKEN!,
    caFile: settings.KUBERNETES_CA_FILE,
    profile: { ...profile, ...changes },
  });

afterEach(async () => {
  for (const gardenId of gardensMade.splice(0)) {
    await cluster.remove(gardenId);
    await finalizeNamespace(gardenObjectNames(gardenId).namespace);
  }
});

describe('a garden applied to the Kubernetes API server', () => {
  it('creates every object of gardenDeployment, and the server stores what was written', async () => {
    const gardenId = newGardenId('apply');
    const expected = gardenDeployment(settingsOf(gardenId));
    const names = gardenObjectNames(gardenId);

    const applied = await cluster.apply(gardenId);

    expect(applied).toEqual(
      expected.map((object) =>
        object.kind === 'Namespace'
          ? `Namespace/${names.namespace}`
          : `${object.kind}/${names.namespace}/${object.metadata.name}`,
      ),
    );
    for (const object of expected) {
      const answer = await stored(object);
      expect(answer.status, `${object.kind} ${object.metadata.name}`).toBe(200);
      const { metadata, ...content } = object;
      // Each field written is stored as written (the server adds its defaults beside them).
      expect(answer.body).toMatchObject({
        ...(canonicalQuantities(content) as object),
        metadata: { name: metadata.name, labels: metadata.labels },
      });
      // …under our field manager, by server-side apply.
      const managers = (answer.body.metadata as { managedFields: { manager: string; operation: string }[] })
        .managedFields;
      expect(managers).toContainEqual(
        expect.objectContaining({ manager: 'cocagne-provisioning', operation: 'Apply' }),
      );
    }

    const deployment = (await stored(expected.find((object) => object.kind === 'Deployment')!)).body as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const [worker] = deployment.spec.template.spec.containers;
    expect(worker).toMatchObject({
      name: 'worker',
      image: profile.image,
      envFrom: [{ configMapRef: { name: names.config } }],
      startupProbe: { httpGet: { path: '/livez', port: 'health' } },
      livenessProbe: { httpGet: { path: '/livez', port: 'health' } },
      readinessProbe: { httpGet: { path: '/readyz', port: 'health' } },
      resources: {
        requests: { cpu: '250m', memory: `${defaultWorkerResources.requestMemoryMiB}Mi` },
        limits: { memory: `${defaultWorkerResources.limitMemoryMiB}Mi` },
      },
    });
    const config = (await stored(expected.find((object) => object.kind === 'ConfigMap')!)).body as {
      data: Record<string, string>;
    };
    expect(config.data).toMatchObject({
      WORKER_GARDENS: gardenId,
      TEMPORAL_NAMESPACE: profile.temporal.namespace,
    });
    const quota = (await stored(expected.find((object) => object.kind === 'ResourceQuota')!)).body as {
      spec: { hard: Record<string, string> };
    };
    expect(quota.spec.hard).toMatchObject({ pods: '2', persistentvolumeclaims: '0' });
    const policy = (await stored(expected.find((object) => object.kind === 'NetworkPolicy')!)).body as {
      spec: { policyTypes: string[]; egress: unknown[] };
    };
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress).toHaveLength(3 + 1 + Object.keys(profile.egress.others ?? {}).length);
    expect(await cluster.describe(gardenId)).toEqual({
      namespace: 'active',
      objects: expected
        .filter((object) => object.kind !== 'Namespace')
        .map((o) => `${o.kind}/${o.metadata.name}`),
      deployment: { replicas: 1, availableReplicas: 0 },
    });
  });

  it('changes nothing when applied again (same resourceVersion for every object)', async () => {
    const gardenId = newGardenId('twice');
    const expected = gardenDeployment(settingsOf(gardenId));
    const first = await cluster.apply(gardenId);
    const versions = async () =>
      Promise.all(
        expected.map(async (object) => (await stored(object)).body.metadata as { resourceVersion: string }),
      ).then((all) => all.map((metadata) => metadata.resourceVersion));
    const before = await versions();

    expect(await cluster.apply(gardenId)).toEqual(first);

    expect(await versions()).toEqual(before);
  });

  it('adds the Service and Ingress of a garden with its own host name, and removes them', async () => {
    const gardenId = newGardenId('site');
    const names = gardenObjectNames(gardenId);
    const withSite = clusterWith({
      site: {
        apiHost: 'cocagne-api.cocagne.svc.cluster.local',
        apiPort: 8080,
        ingressClassName: 'nginx',
        tlsSecretName: 'site-tls',
      },
    });
    expect(withSite.servesSites).toBe(true);
    expect(clusterWith({ site: undefined }).servesSites).toBe(false);

    const applied = await withSite.apply(gardenId, { hostName: `${gardenId}.paniers.example.org` });

    expect(applied.slice(-2)).toEqual([
      `Service/${names.namespace}/${names.service}`,
      `Ingress/${names.namespace}/${names.ingress}`,
    ]);
    const ingress = await controllerRequest(
      'GET',
      `/apis/networking.k8s.io/v1/namespaces/${names.namespace}/ingresses/${names.ingress}`,
    );
    expect(ingress.body).toMatchObject({
      spec: {
        rules: [{ host: `${gardenId}.paniers.example.org` }],
        tls: [{ secretName: 'site-tls' }],
      },
    });
    // Another cluster instance (the local profile's) removes them too: removal never depends on
    // the profile's site.
    expect(await cluster.remove(gardenId)).toEqual(
      expect.arrayContaining([
        `Ingress/${names.namespace}/${names.ingress}`,
        `Service/${names.namespace}/${names.service}`,
      ]),
    );
    expect((await cluster.describe(gardenId)).objects).toEqual([]);
  });

  it('serves a garden’s own host on the AWS ALB with an Ingress alone, as the provisioner, and removes it', async () => {
    const gardenId = newGardenId('alb');
    const names = gardenObjectNames(gardenId);
    const targetGroup = (name: string) =>
      `arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/${name}/0123456789abcdef`;
    const onAlb = clusterWith({
      site: {
        via: 'alb-target-group',
        ingressClassName: 'alb',
        groupName: 'cocagne',
        apiTargetGroupArn: targetGroup('cocagne-api'),
        webTargetGroupArn: targetGroup('cocagne-web'),
      },
    });
    const hostName = `${gardenId}.paniers.example.org`;

    const applied = await onAlb.apply(gardenId, { hostName });

    expect(applied.at(-1)).toBe(`Ingress/${names.namespace}/${names.ingress}`);
    expect(applied).not.toContain(`Service/${names.namespace}/${names.service}`);
    const ingress = await controllerRequest(
      'GET',
      `/apis/networking.k8s.io/v1/namespaces/${names.namespace}/ingresses/${names.ingress}`,
    );
    expect(ingress.body).toMatchObject({
      metadata: {
        annotations: {
          'alb.ingress.kubernetes.io/group.name': 'cocagne',
          'alb.ingress.kubernetes.io/actions.cocagne-api': JSON.stringify({
            type: 'forward',
            forwardConfig: { targetGroups: [{ targetGroupARN: targetGroup('cocagne-api') }] },
          }),
        },
      },
      spec: { ingressClassName: 'alb', tls: [{ hosts: [hostName] }], rules: [{ host: hostName }] },
    });
    expect(await onAlb.apply(gardenId, { hostName })).toEqual(applied);
    expect(await cluster.remove(gardenId)).toContain(`Ingress/${names.namespace}/${names.ingress}`);
    expect((await cluster.describe(gardenId)).objects).toEqual([]);
  });

  it("lets the worker's pod through the namespace's Pod Security (restricted) and its quota", async () => {
    const gardenId = newGardenId('pod');
    const names = gardenObjectNames(gardenId);
    await cluster.apply(gardenId);
    const deployment = gardenDeployment(settingsOf(gardenId)).find((object) => object.kind === 'Deployment')!;

    // Applying the Deployment again (dry run) with the namespace's `warn: restricted` label:
    // a template that Pod Security would refuse comes back with a warning.
    const dryApply = await controllerRequest(
      'PATCH',
      `${pathOf(deployment)}?fieldManager=cocagne-provisioning&force=true&dryRun=All`,
      deployment,
      'application/apply-patch+yaml',
    );
    expect(dryApply.status).toBe(200);
    expect(dryApply.warnings).toEqual([]);

    // No controller makes the pod here: the pod the ReplicaSet would make from the template is
    // created in dry run, which runs admission (Pod Security, ResourceQuota, LimitRange) in full.
    const pod = await controllerRequest('POST', `/api/v1/namespaces/${names.namespace}/pods?dryRun=All`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${names.worker}-check`, labels: deployment.spec.template.metadata.labels },
      spec: deployment.spec.template.spec,
    });
    expect(pod.body).toMatchObject({ kind: 'Pod' });
    expect(pod.status).toBe(201);
    expect(pod.warnings).toEqual([]);
  });
});

describe('waiting for the garden worker', () => {
  it('says at once that the cluster has no node to run it (the local stack has no kubelet)', async () => {
    const nodes = await controllerRequest('GET', '/api/v1/nodes?limit=1');
    expect(nodes.body.items, 'this test expects a cluster without nodes, as the local stack').toEqual([]);
    const gardenId = newGardenId('nodes');
    await cluster.apply(gardenId);

    // A wait that would outlast the test: only the no-node answer can end it in time.
    const availability = await cluster.waitUntilAvailable(gardenId, { timeoutMs: 3_600_000, pollMs: 60_000 });

    expect(availability).toEqual({
      available: false,
      reason: 'no-nodes',
      message: { fr: expect.stringContaining('aucun nœud'), en: expect.stringContaining('no node') },
    });
  });

  it("is over once the Deployment's status says it is available", async () => {
    const gardenId = newGardenId('ready');
    const names = gardenObjectNames(gardenId);
    await cluster.apply(gardenId);
    const path = `/apis/apps/v1/namespaces/${names.namespace}/deployments/${names.worker}`;
    const generation = ((await controllerRequest('GET', path)).body.metadata as { generation: number })
      .generation;

    // What the Deployment controller writes once the kubelet reports the pod ready: there is
    // neither here, so the test writes it through the status subresource as they would.
    const now = new Date().toISOString();
    const status = await controllerRequest(
      'PATCH',
      `${path}/status`,
      {
        status: {
          observedGeneration: generation,
          replicas: 1,
          updatedReplicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
              lastUpdateTime: now,
              lastTransitionTime: now,
            },
          ],
        },
      },
      'application/merge-patch+json',
    );
    expect(status.status).toBe(200);

    expect(await cluster.waitUntilAvailable(gardenId, { timeoutMs: 3_600_000 })).toEqual({ available: true });
    expect((await cluster.describe(gardenId)).deployment).toEqual({ replicas: 1, availableReplicas: 1 });
  });
});

describe('removing a garden', () => {
  it('deletes every object, then the namespace; again, it finds nothing to do', async () => {
    const gardenId = newGardenId('remove');
    const names = gardenObjectNames(gardenId);
    const applied = await cluster.apply(gardenId);

    const removed = await cluster.remove(gardenId);

    expect([...removed].sort()).toEqual([...applied].sort());
    for (const object of gardenDeployment(settingsOf(gardenId)).filter((o) => o.kind !== 'Namespace'))
      expect((await stored(object)).status, object.kind).toBe(404);
    // No namespace controller here: the namespace stays Terminating until finalized.
    expect(await cluster.describe(gardenId)).toEqual({ namespace: 'terminating', objects: [] });
    await finalizeNamespace(names.namespace);
    expect(await cluster.describe(gardenId)).toEqual({ namespace: 'absent', objects: [] });

    expect(await cluster.remove(gardenId)).toEqual([]);
  });

  it('says, as a passing failure, that a garden whose namespace is still being deleted cannot be applied yet', async () => {
    const gardenId = newGardenId('again');
    const names = gardenObjectNames(gardenId);
    await cluster.apply(gardenId);
    await cluster.remove(gardenId);

    // Without a namespace controller the namespace stays Terminating: as on a cluster where
    // its deletion has not finished (a compensation followed at once by a retry).
    const failure = await cluster.apply(gardenId).catch((error: unknown) => error);

    expect(failure).toMatchObject({
      failure: 'terminating',
      transient: true,
      status: 403,
      object: `ResourceQuota/${names.namespace}/${names.quota}`,
      message: expect.stringContaining("the garden's namespace is still being deleted"),
    });
  });

  it('removes what a half-done apply left, and a garden never applied without error', async () => {
    const never = newGardenId('never');
    expect(await cluster.remove(never)).toEqual([]);
    expect(await cluster.describe(never)).toEqual({ namespace: 'absent', objects: [] });
  });
});

describe('refusals, in words', () => {
  it('names the object the API server refused and its reason, and applies nothing after it', async () => {
    const gardenId = newGardenId('refused');
    const names = gardenObjectNames(gardenId);
    // More than the 1 MiB a ConfigMap may hold: the deployment function has no such rule,
    // the API server has (422).
    const refusing = clusterWith({
      environment: { ...profile.environment, LARGE_VALUE: 'x'.repeat(1_100_000) },
    });

    const failure = await refusing.apply(gardenId).catch((error: unknown) => error);

    expect(isKubernetesError(failure)).toBe(true);
    expect(failure).toMatchObject({
      failure: 'refused',
      status: 422,
      transient: false,
      object: `ConfigMap/${names.namespace}/${names.config}`,
      messages: {
        fr: expect.stringContaining(
          `Kubernetes refuse d'appliquer ConfigMap/${names.namespace}/${names.config} (422)`,
        ),
      },
      message: expect.stringMatching(
        new RegExp(
          `^Kubernetes refused to apply ConfigMap/${names.namespace}/${names.config} \\(422\\): .*1048576`,
        ),
      ),
    });
    const state = await cluster.describe(gardenId);
    expect(state.objects).toEqual([
      `ResourceQuota/${names.quota}`,
      `LimitRange/${names.limits}`,
      `NetworkPolicy/${names.networkPolicy}`,
      `ServiceAccount/${names.serviceAccount}`,
    ]);
  });

  it('says the token is wrong (401), and touches nothing', async () => {
    const gardenId = newGardenId('token');
    const wrongToken = createGardenCluster({
      apiUrl,
      token: 'not-a-token-of-this-cluster',
      caFile: settings.KUBERNETES_CA_FILE,
      profile,
    });

    const failure = await wrongToken.apply(gardenId).catch((error: unknown) => error);

    expect(failure).toMatchObject({
      failure: 'unauthorized',
      status: 401,
      message: `Kubernetes at ${apiUrl} refused the token (401 Unauthorized): KUBERNETES_TOKEN is wrong or expired.`,
    });
    expect(await cluster.describe(gardenId)).toEqual({ namespace: 'absent', objects: [] });
  });

  it("says the server's certificate is not trusted when the CA is not given", async () => {
    if (!settings.KUBERNETES_CA_FILE)
      throw new Error('This test expects a server signed by KUBERNETES_CA_FILE.');
    const withoutCa = createGardenCluster({ apiUrl, token: settings.KUBERNETES_TOKEN!, profile });

    const failure = await withoutCa.describe(newGardenId('ca')).catch((error: unknown) => error);

    expect(failure).toMatchObject({
      failure: 'untrusted',
      transient: false,
      message: expect.stringMatching(
        new RegExp(
          `^The certificate of Kubernetes at ${apiUrl} is not trusted \\(.+\\): check KUBERNETES_CA_FILE\\.$`,
        ),
      ),
    });
  });

  it('says which Deployment is missing when waiting for a garden never applied', async () => {
    const gardenId = newGardenId('missing');
    const names = gardenObjectNames(gardenId);

    const failure = await cluster.waitUntilAvailable(gardenId).catch((error: unknown) => error);

    expect(failure).toMatchObject({
      failure: 'missing',
      status: 404,
      object: `Deployment/${names.namespace}/${names.worker}`,
    });
  });

  it('says the cluster cannot be reached at its URL when nothing listens there', async () => {
    // A port that was free a moment ago, now closed.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const url = `https://127.0.0.1:${port}`;
    const unreachable = createGardenCluster({ apiUrl: url, token: 'any', profile });

    const failure = await unreachable.describe(newGardenId('unreachable')).catch((error: unknown) => error);

    expect(failure).toMatchObject({
      failure: 'unreachable',
      transient: true,
      message: `The Kubernetes cluster cannot be reached at ${url} (connection refused).`,
      messages: { fr: `Le cluster Kubernetes est injoignable à ${url} (connexion refusée).` },
    });
  });
});

describe("the provisioner's token", () => {
  // The adapter's tests above run with it: it can do all the adapter does. Here, what it cannot.
  it('cannot do what only controllers, kubelets or people should: status, finalize, secrets, pods', async () => {
    const gardenId = newGardenId('rights');
    const names = gardenObjectNames(gardenId);
    await cluster.apply(gardenId);
    const asProvisioner = (method: string, path: string, body?: unknown, contentType?: string) =>
      controllerRequest(method, path, body, contentType, settings.KUBERNETES_TOKEN).then(
        (answer) => answer.status,
      );
    const deployment = `/apis/apps/v1/namespaces/${names.namespace}/deployments/${names.worker}`;

    expect(await asProvisioner('GET', deployment)).toBe(200);
    if (settings.KUBERNETES_TOKEN === adminToken) return; // a cluster without a separate admin token
    expect(
      await asProvisioner(
        'PATCH',
        `${deployment}/status`,
        { status: { availableReplicas: 1 } },
        'application/merge-patch+json',
      ),
    ).toBe(403);
    expect(
      await asProvisioner('PUT', `/api/v1/namespaces/${names.namespace}/finalize`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: names.namespace },
        spec: { finalizers: [] },
      }),
    ).toBe(403);
    expect(await asProvisioner('GET', `/api/v1/namespaces/${names.namespace}/secrets`)).toBe(403);
    expect(await asProvisioner('GET', `/api/v1/namespaces/${names.namespace}/pods`)).toBe(403);
    expect(await asProvisioner('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles')).toBe(403);
    expect(await asProvisioner('GET', '/api/v1/nodes/any-node')).toBe(403);
  });
});

describe("the admission policy: the provisioner writes only in the gardens' namespaces it made", () => {
  /** The answer's status and message, `<kind> "<name>" is forbidden: ValidatingAdmissionPolicy '…' … denied request: <why>`. */
  const refusal = (answer: Answer) => ({ status: answer.status, message: String(answer.body.message) });
  const denied = (why: string) => ({
    status: 403,
    message: expect.stringMatching(
      new RegExp(
        `is forbidden: ValidatingAdmissionPolicy '${policyName}' with binding '${policyName}' denied request: .*${why}`,
      ),
    ),
  });

  it('refuses a ConfigMap or a Deployment outside them (default, kube-system)', async () => {
    const deployment = gardenDeployment(settingsOf('takeover')).find(
      (object) => object.kind === 'Deployment',
    )!;
    for (const namespace of ['default', 'kube-system']) {
      expect(refusal(await dryConfigMap(namespace)), namespace).toEqual(
        denied(`may write only in a garden namespace \\(garden-\\.\\.\\.\\), not in namespace ${namespace}$`),
      );
      const created = await provisionerRequest(
        'POST',
        `/apis/apps/v1/namespaces/${namespace}/deployments?dryRun=All`,
        { ...deployment, metadata: { ...deployment.metadata, namespace } },
      );
      expect(refusal(created), namespace).toEqual(denied(`not in namespace ${namespace}$`));
    }
  });

  it("refuses deleting a namespace not its own, or making one that is not a garden's", async () => {
    // Dry runs: admission judges them in full, and nothing would be deleted were it to pass.
    // `default` and `kube-system` are refused first by the server's own NamespaceLifecycle.
    for (const system of ['default', 'kube-system']) {
      const answer = await provisionerRequest('DELETE', `/api/v1/namespaces/${system}?dryRun=All`);
      expect(answer.status, system).toBe(403);
    }
    // Any other namespace that is no garden's (one the administrator made): by the policy.
    const other = `cocagne-policy-${randomUUID().slice(0, 8)}`;
    const made = await controllerRequest('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: other },
    });
    expect(made.status).toBe(201);
    try {
      expect(refusal(await provisionerRequest('DELETE', `/api/v1/namespaces/${other}?dryRun=All`))).toEqual(
        denied(`only a garden namespace \\(garden-\\.\\.\\.\\), not ${other}$`),
      );
    } finally {
      await controllerRequest('DELETE', `/api/v1/namespaces/${other}`);
      await finalizeNamespace(other);
    }
    const namespace = (name: string, labels: Record<string, string>) =>
      provisionerRequest('POST', '/api/v1/namespaces?dryRun=All', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      });
    const ours = { 'app.kubernetes.io/managed-by': 'cocagne-provisioning' };
    expect(refusal(await namespace('not-a-garden', { ...ours, 'cocagne/garden': 'not-a-garden' }))).toEqual(
      denied('not not-a-garden$'),
    );
    // Named as a garden's, but without the labels that say whose it is, or another garden's.
    expect(refusal(await namespace('garden-unlabelled', {}))).toEqual(denied('garden-unlabelled does not$'));
    expect(refusal(await namespace('garden-one', { ...ours, 'cocagne/garden': 'two' }))).toEqual(
      denied('garden-one does not$'),
    );
    expect((await namespace('garden-one', { ...ours, 'cocagne/garden': 'one' })).status).toBe(201);
  });

  it('lets the administrator alone: the same requests pass with their token', async () => {
    if (settings.KUBERNETES_TOKEN === adminToken) return; // a cluster without a separate admin token
    const answer = await controllerRequest('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cocagne-policy-check' },
    });
    expect(answer.status).toBe(201);
  });

  it('applies as well to the ServiceAccount the role is bound to in production', async () => {
    if (settings.KUBERNETES_TOKEN === adminToken) return; // a cluster without a separate admin token
    // The ServiceAccount cocagne/cocagne-provisioner and a short-lived token of it (TokenRequest).
    const existed = (await controllerRequest('GET', '/api/v1/namespaces/cocagne')).status === 200;
    if (!existed)
      expect(
        (
          await controllerRequest('POST', '/api/v1/namespaces', {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'cocagne' },
          })
        ).status,
      ).toBe(201);
    const account = '/api/v1/namespaces/cocagne/serviceaccounts/cocagne-provisioner';
    const hadAccount = (await controllerRequest('GET', account)).status === 200;
    try {
      if (!hadAccount)
        expect(
          (
            await controllerRequest('POST', '/api/v1/namespaces/cocagne/serviceaccounts', {
              apiVersion: 'v1',
              kind: 'ServiceAccount',
              metadata: { name: 'cocagne-provisioner' },
            })
          ).status,
        ).toBe(201);
      const tokenRequest = await controllerRequest('POST', `${account}/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 600 },
      });
      expect(tokenRequest.status).toBe(201);
      const token = (tokenRequest.body.status as { token: string }).token;
      const asAccount = (namespace: string) =>
        controllerRequest(
          'POST',
          `/api/v1/namespaces/${namespace}/configmaps?dryRun=All`,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cocagne-policy-check' } },
          'application/json',
          token,
        );

      // Bound to the role (it may create ConfigMaps), and confined by the policy as the user is.
      expect(refusal(await asAccount('kube-system'))).toEqual(denied('not in namespace kube-system$'));
    } finally {
      if (!hadAccount) await controllerRequest('DELETE', account);
      if (!existed) {
        await controllerRequest('DELETE', '/api/v1/namespaces/cocagne');
        await finalizeNamespace('cocagne');
      }
    }
  });

  describe('a garden kept in Git (its namespace labelled by infra/k8s/gardens)', () => {
    // Its own id, outside gardensMade: the shared cleanup would rightly be refused on it.
    const gardenId = `k8s-in-git-${randomUUID().slice(0, 8)}`;
    const names = gardenObjectNames(gardenId);
    const path = `/api/v1/namespaces/${names.namespace}`;
    const [namespace] = gardenDeployment(settingsOf(gardenId));

    beforeAll(async () => {
      // As Flux applies it: the garden's namespace, with the label the gardens' folder adds.
      const made = await controllerRequest('POST', '/api/v1/namespaces', {
        ...namespace,
        metadata: {
          ...namespace!.metadata,
          labels: { ...namespace!.metadata.labels, [keptInGitLabel]: 'true' },
        },
      });
      expect(made.status).toBe(201);
    });
    afterAll(async () => {
      await controllerRequest('DELETE', path);
      await finalizeNamespace(names.namespace);
    });

    it('is left to Flux: apply writes nothing in it, remove refuses in words and deletes nothing', async () => {
      expect(await cluster.apply(gardenId)).toEqual([]);
      expect((await cluster.describe(gardenId)).objects).toEqual([]);

      const failure = await cluster.remove(gardenId).catch((error: unknown) => error);
      expect(failure).toMatchObject({
        failure: 'refused',
        transient: false,
        object: `Namespace/${names.namespace}`,
        message: expect.stringContaining(`Garden ${gardenId} is kept in Git`),
        messages: { fr: expect.stringContaining(`Le jardin ${gardenId} est gardé dans Git`) },
      });
      const answer = await controllerRequest('GET', path);
      expect(answer.body).toMatchObject({
        metadata: { labels: { [keptInGitLabel]: 'true' } },
        status: { phase: 'Active' },
      });
    });

    it('is the workflow’s again once the label is gone', async () => {
      const unlabelled = await controllerRequest(
        'PATCH',
        path,
        { metadata: { labels: { [keptInGitLabel]: null } } },
        'application/merge-patch+json',
      );
      expect(unlabelled.status).toBe(200);
      expect((await cluster.apply(gardenId)).length).toBeGreaterThan(1);
      expect((await cluster.remove(gardenId)).length).toBeGreaterThan(1);
    });
  });

  describe("a namespace named as a garden's, made by someone else", () => {
    // Its own id, outside gardensMade: the shared cleanup would rightly be refused on it.
    const gardenId = `k8s-foreign-${randomUUID().slice(0, 8)}`;
    const names = gardenObjectNames(gardenId);
    const path = `/api/v1/namespaces/${names.namespace}`;

    beforeAll(async () => {
      const made = await controllerRequest('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: names.namespace, labels: { team: 'someone-else' } },
      });
      expect(made.status).toBe(201);
    });
    afterAll(async () => {
      await controllerRequest('DELETE', path);
      await finalizeNamespace(names.namespace);
    });

    const untouched = async () => {
      const answer = await controllerRequest('GET', path);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        metadata: { labels: { team: 'someone-else' } },
        status: { phase: 'Active' },
      });
      expect((answer.body.metadata as { labels: Record<string, string> }).labels).not.toHaveProperty(
        'app.kubernetes.io/managed-by',
      );
      expect((await cluster.describe(gardenId)).objects).toEqual([]);
    };

    it('is not removed: remove refuses, in words, and leaves it as it was', async () => {
      const failure = await cluster.remove(gardenId).catch((error: unknown) => error);

      expect(isKubernetesError(failure)).toBe(true);
      expect(failure).toMatchObject({
        failure: 'refused',
        transient: false,
        object: `Namespace/${names.namespace}`,
        message: expect.stringContaining(
          `The namespace ${names.namespace} exists but was not made by Cocagne for garden ${gardenId}`,
        ),
        messages: {
          fr: expect.stringContaining(
            `L'espace de noms ${names.namespace} existe mais n'a pas été créé par Cocagne`,
          ),
        },
      });
      await untouched();
    });

    it('is not taken over: apply refuses, in words, and writes nothing in it', async () => {
      const failure = await cluster.apply(gardenId).catch((error: unknown) => error);

      expect(failure).toMatchObject({
        failure: 'refused',
        transient: false,
        object: `Namespace/${names.namespace}`,
        message: expect.stringContaining('Cocagne does not take it over and applies nothing in it'),
        messages: { fr: expect.stringContaining("Cocagne ne se l'approprie pas") },
      });
      await untouched();
    });

    it('is protected by the server too, for a client that would not ask first', async () => {
      const [namespace, quota] = gardenDeployment(settingsOf(gardenId));
      // Server-side apply with force, as the adapter does, of the garden's labels over it.
      const takeover = await provisionerRequest(
        'PATCH',
        `${path}?fieldManager=cocagne-provisioning&force=true&dryRun=All`,
        namespace,
        'application/apply-patch+yaml',
      );
      expect(refusal(takeover)).toEqual(denied(`only the namespaces it made: ${names.namespace} lacks`));
      expect(refusal(await provisionerRequest('DELETE', `${path}?dryRun=All`))).toEqual(
        denied(`only the namespaces it made: ${names.namespace} lacks`),
      );
      const inside = await provisionerRequest('POST', `${path}/resourcequotas?dryRun=All`, quota);
      expect(refusal(inside)).toEqual(
        denied(`only in the namespaces it made: ${names.namespace} lacks the label`),
      );
      await untouched();
    });
  });
});

describe('the cluster settings', () => {
  const folder = mkdtempSync(join(tmpdir(), 'garden-profile-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const profileFile = (name: string, content: unknown) => {
    const path = join(folder, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('is no cluster when nothing is set, and a configuration error when only part is', () => {
    expect(gardenClusterFrom({})).toBeUndefined();
    expect(() => gardenClusterFrom({ KUBERNETES_API_URL: apiUrl })).toThrow(
      'KUBERNETES_TOKEN, GARDEN_DEPLOYMENT_PROFILE missing',
    );
    expect(() =>
      readConfiguration(KubernetesEnvironment, { KUBERNETES_API_URL: 'http://127.0.0.1:6443' }),
    ).toThrow('KUBERNETES_API_URL');
    expect(gardenClusterFrom(settings)).toBeDefined();
  });

  it('refuses a profile the deployment function refuses, naming the file and the field', () => {
    const path = profileFile('negative.json', { ...profile, replicas: -1 });
    expect(() => readGardenDeploymentProfile(path)).toThrow(
      `GARDEN_DEPLOYMENT_PROFILE ${path}: replicas: replicas: an integer from 1 to 10.`,
    );
    expect(() => gardenClusterFrom({ ...settings, GARDEN_DEPLOYMENT_PROFILE: path })).toThrow(path);
  });

  it('refuses a profile of the wrong shape, or with a garden of its own, or not JSON', () => {
    const { egress: _egress, ...withoutEgress } = profile;
    expect(() => readGardenDeploymentProfile(profileFile('shape.json', withoutEgress))).toThrow(
      'egress.temporal.to and egress.temporal.ports: lists',
    );
    expect(() =>
      readGardenDeploymentProfile(profileFile('garden.json', { ...profile, gardenId: 'val-du-doubs' })),
    ).toThrow('gardenId: must be absent');
    expect(() => readGardenDeploymentProfile(profileFile('broken.json', '{ "image": '))).toThrow(
      'cannot be read as JSON',
    );
  });
});

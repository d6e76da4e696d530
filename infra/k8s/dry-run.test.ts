import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../tests/support/environment.ts';
import { kubernetesReady, kubernetesRequest, kubernetesWaitMs } from '../../tests/support/kubernetes.ts';
import { infraCheckersReady } from '../../tests/support/side-lanes.ts';
import {
  externalSecretsCrds,
  kustomizeBuild,
  kustomizeFolders,
  type Manifest,
  objectName,
} from './manifests.ts';

/**
 * Every object of every folder Flux applies, judged by the local kube-apiserver in a server-side
 * dry run (`dryRun=All`: admission and validation in full, nothing stored), with the CRDs of
 * Flux's controllers, Flagger and External Secrets installed first from their published modules
 * (FLUX_CRDS_DIR, and the Go module cache for External Secrets until the local stack installs it).
 * Namespaced objects are judged in one namespace of the test's, restricted like `cocagne`: the
 * server checks an object, not whether its namespace exists.
 */
const environment = testEnvironment();
const apiUrl = environment.KUBERNETES_API_URL!;
const fieldManager = 'cocagne-manifests-check';
const checkNamespace = 'cocagne-manifests-check';

/**
 * Kinds whose CRDs no Go module the proxy serves carries: the AWS Load Balancer Controller's
 * (its Helm chart installs them in the cluster). Their fields are checked in manifests.test.ts.
 */
const withoutCrd = new Set(['elbv2.k8s.aws/v1beta1 TargetGroupBinding']);

const caller = {
  apiUrl,
  token: environment.KUBERNETES_LOCAL_ADMIN_TOKEN!,
  caFile: environment.KUBERNETES_CA_FILE!,
};
const call = (method: string, path: string, body?: unknown, contentType?: string) =>
  kubernetesRequest(caller, method, path, body, contentType);

/** External Secrets' CRDs, which the local stack installs beside Flux's (infra/local/versions.ts). */
function externalSecretsCrdFolders(): string[] {
  if (existsSync(join(environment.FLUX_CRDS_DIR!, 'external-secrets'))) return [];
  throw new Error(
    `External Secrets' CRDs (${externalSecretsCrds.module}@${externalSecretsCrds.version}) are not in ` +
      `${environment.FLUX_CRDS_DIR}/external-secrets: run \`npm run stack up\`, which installs them.`,
  );
}

const apply = (path: string, object: unknown, dryRun: boolean) =>
  call(
    'PATCH',
    `${path}?fieldManager=${fieldManager}&force=true${dryRun ? '&dryRun=All' : ''}`,
    object,
    'application/apply-patch+yaml',
  );

/** Resource names and scope by kind, read from the server's discovery, one group version at a time. */
const discovered = new Map<string, Map<string, { name: string; namespaced: boolean }> | undefined>();
async function resourceOf(apiVersion: string, kind: string) {
  if (!discovered.has(apiVersion)) {
    const answer = await call('GET', apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`);
    const resources = (answer.body.resources ?? []) as { name: string; kind: string; namespaced: boolean }[];
    discovered.set(
      apiVersion,
      answer.status === 200
        ? new Map(resources.filter((each) => !each.name.includes('/')).map((each) => [each.kind, each]))
        : undefined,
    );
  }
  return discovered.get(apiVersion)?.get(kind);
}

function crdFiles(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return crdFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size)
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  return results;
}

const builds = new Map<string, Manifest[]>();

beforeAll(async () => {
  await infraCheckersReady();
  for (const folder of kustomizeFolders)
    builds.set(folder, kustomizeBuild(environment.KUSTOMIZE_PATH!, folder));
  await kubernetesReady();

  // The CRDs, then until each is Established. Sent as the YAML they are published in: the API
  // server reads it as Go's YAML reader does, which accepts the published files' folded quotes.
  const crds = [environment.FLUX_CRDS_DIR!, ...externalSecretsCrdFolders()]
    .flatMap(crdFiles)
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split(/^---\s*$/m)
        .filter((text) => /^kind: CustomResourceDefinition$/m.test(text))
        .map((text) => ({
          text,
          name: /^metadata:\n(?:[ ]{2}.*\n)*?[ ]{2}name: (\S+)$/m.exec(text)?.[1] ?? file,
        })),
    );
  expect(crds.length).toBeGreaterThan(10);
  for (const crd of await inBatches(crds, 4, async (crd) => ({
    name: crd.name,
    answer: await call(
      'PATCH',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.name}?fieldManager=${fieldManager}&force=true`,
      crd.text,
      'application/apply-patch+yaml',
    ),
  })))
    expect(crd.answer.status, `${crd.name}: ${JSON.stringify(crd.answer.body).slice(0, 300)}`).toBeOneOf([
      200, 201,
    ]);
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.name}`;
    for (;;) {
      const conditions = (
        (await call('GET', path)).body.status as { conditions?: { type: string; status: string }[] }
      )?.conditions;
      if (conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True'))
        break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const namespace = await apply(
    `/api/v1/namespaces/${checkNamespace}`,
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: checkNamespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    },
    false,
  );
  expect(namespace.status).toBeOneOf([200, 201]);
}, kubernetesWaitMs);

afterAll(async () => {
  // Nothing was stored in it: deleting it, then finalizing it as the namespace controller would
  // (the local stack runs none), leaves nothing behind.
  const deleted = await call('DELETE', `/api/v1/namespaces/${checkNamespace}`);
  if (deleted.status !== 200 && deleted.status !== 202) return;
  const current = await call('GET', `/api/v1/namespaces/${checkNamespace}`);
  if (current.status !== 200) return;
  await call('PUT', `/api/v1/namespaces/${checkNamespace}/finalize`, {
    ...current.body,
    spec: { finalizers: [] },
  });
});

describe('every object Flux applies, on the local kube-apiserver', () => {
  it('is accepted in a server-side dry run, pods admitted by Pod Security restricted', async () => {
    const objects = [...builds.entries()].flatMap(([folder, built]) =>
      built.map((object) => ({ folder, object })),
    );
    const unknownKinds: string[] = [];
    const refused: string[] = [];
    const warned: string[] = [];
    let accepted = 0;
    await inBatches(objects, 8, async ({ folder, object }) => {
      const resource = await resourceOf(object.apiVersion, object.kind);
      if (!resource) {
        unknownKinds.push(`${object.apiVersion} ${object.kind}`);
        return;
      }
      const judged: Manifest = resource.namespaced
        ? { ...object, metadata: { ...object.metadata, namespace: checkNamespace } }
        : object;
      const root = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
      const scope = resource.namespaced ? `/namespaces/${checkNamespace}` : '';
      const answer = await apply(`${root}${scope}/${resource.name}/${object.metadata.name}`, judged, true);
      const where = `${folder}: ${objectName(object)}`;
      if (answer.status !== 200 && answer.status !== 201)
        refused.push(
          `${where}: ${answer.status} ${String(answer.body.message ?? answer.body.text).slice(0, 400)}`,
        );
      else accepted += 1;
      for (const warning of answer.warnings) warned.push(`${where}: ${warning}`);
    });
    expect(refused).toEqual([]);
    expect(warned).toEqual([]);
    expect(new Set(unknownKinds)).toEqual(withoutCrd);
    // Flux's and Flagger's own kinds were among those judged.
    for (const kind of [
      'GitRepository',
      'Kustomization',
      'HelmRelease',
      'ImagePolicy',
      'ImageUpdateAutomation',
      'Canary',
      'ExternalSecret',
      'ClusterExternalSecret',
      'ClusterSecretStore',
    ])
      expect(
        objects.some(({ object }) => object.kind === kind),
        kind,
      ).toBe(true);
    expect(accepted).toBeGreaterThan(150);
    // ~190 requests, eight at a time: seconds, more beside other test files.
  }, 120_000);
});

import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../tests/support/environment.ts';
import {
  externalSecretsCrds,
  kustomizeBuild,
  type Manifest,
  objectName,
  repositoryRoot,
} from '../k8s/manifests.ts';
import { infraCheckersReady, infraCheckersWaitMs } from '../../tests/support/side-lanes.ts';

// The checkers this file runs: `npm test` installs them beside the first tests.
beforeAll(() => infraCheckersReady(), infraCheckersWaitMs);

/**
 * Flux's objects agree with what they point at: paths, dependencies, image policies, the
 * Canaries' Deployments and the release checks' Service (the contract of infra/flux/README.md).
 * Each object's schema is judged by the API server in infra/k8s/dry-run.test.ts.
 */
const environments = ['staging', 'production'] as const;
const builds = new Map<string, Manifest[]>();
const built = (folder: string) => builds.get(folder)!;
function kustomizationsUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return kustomizationsUnder(path);
    return name === 'kustomization.yaml' ? [path] : [];
  });
}
const spec = <T>(object: Manifest | undefined) => object?.spec as T;

beforeAll(() => {
  const kustomize = testEnvironment().KUSTOMIZE_PATH!;
  for (const env of environments)
    for (const folder of [
      `infra/flux/${env}`,
      `infra/flux/${env}/controllers`,
      `infra/flux/${env}/delivery`,
      `infra/k8s/overlays/${env}`,
    ])
      builds.set(folder, kustomizeBuild(kustomize, folder));
  builds.set('infra/k8s/gardens', kustomizeBuild(kustomize, 'infra/k8s/gardens'));
}, 60_000);

describe.each(environments)('Flux in %s', (env) => {
  it('builds before `flux bootstrap --path=infra/flux/<env>` and after, with Flux’s own objects', () => {
    // Bootstrap keeps flux-system/kustomization.yaml and writes the two files it lists.
    const bootstrapFolder = join(repositoryRoot, `infra/flux/${env}/flux-system`);
    expect(readFileSync(join(bootstrapFolder, 'kustomization.yaml'), 'utf8')).toMatch(
      /resources:\n {2}- gotk-components\.yaml\n {2}- gotk-sync\.yaml\n/,
    );
    expect(readFileSync(join(repositoryRoot, `infra/flux/${env}/kustomization.yaml`), 'utf8')).toMatch(
      /^ {2}- flux-system$/m,
    );
    expect(built(`infra/flux/${env}`).some((object) => object.metadata.name === 'flux-system')).toBe(false);
    // After bootstrap: the same folder with what bootstrap writes in gotk-sync.yaml (its
    // components' file is left empty here: no module serves it offline).
    const copy = mkdtempSync(join(tmpdir(), 'flux-bootstrapped-'));
    try {
      cpSync(join(repositoryRoot, `infra/flux/${env}`), copy, { recursive: true });
      writeFileSync(
        join(copy, 'flux-system', 'gotk-sync.yaml'),
        [
          'apiVersion: source.toolkit.fluxcd.io/v1',
          'kind: GitRepository',
          'metadata: { name: flux-system, namespace: flux-system }',
          `spec: { interval: 1m, ref: { branch: ${env === 'production' ? 'production' : 'main'} }, secretRef: { name: flux-system }, url: 'ssh://git@github.com/cocagne/cocagne' }`,
          '---',
          'apiVersion: kustomize.toolkit.fluxcd.io/v1',
          'kind: Kustomization',
          'metadata: { name: flux-system, namespace: flux-system }',
          `spec: { interval: 10m, path: ./infra/flux/${env}, prune: true, sourceRef: { kind: GitRepository, name: flux-system } }`,
          '',
        ].join('\n'),
      );
      const after = kustomizeBuild(testEnvironment().KUSTOMIZE_PATH!, relative(repositoryRoot, copy)).map(
        objectName,
      );
      expect(new Set(after).size).toBe(after.length);
      expect(after).toEqual(
        expect.arrayContaining([
          ...built(`infra/flux/${env}`).map(objectName),
          'GitRepository/flux-system/flux-system',
          'Kustomization/flux-system/flux-system',
        ]),
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('applies folders that exist, each after what it depends on', () => {
    const kustomizations = built(`infra/flux/${env}`).filter((object) => object.kind === 'Kustomization');
    const names = kustomizations.map((object) => object.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'controllers',
        'platform',
        'delivery',
        'route-optimiser',
        ...(env === 'production' ? ['gardens'] : []),
      ]),
    );
    const source = built(`infra/flux/${env}`).find((object) => object.kind === 'GitRepository')!;
    for (const object of kustomizations) {
      const {
        path,
        dependsOn = [],
        sourceRef,
      } = spec<{
        path: string;
        dependsOn?: { name: string }[];
        sourceRef: { kind: string; name: string };
      }>(object);
      expect(
        existsSync(join(repositoryRoot, path, 'kustomization.yaml')),
        `${object.metadata.name}: ${path}`,
      ).toBe(true);
      for (const dependency of dependsOn) expect(names).toContain(dependency.name);
      expect(sourceRef).toEqual({ kind: 'GitRepository', name: source.metadata.name });
    }
    const dependsOn = (name: string) =>
      spec<{ dependsOn?: { name: string }[] }>(
        kustomizations.find((object) => object.metadata.name === name),
      ).dependsOn?.map((dependency) => dependency.name) ?? [];
    expect(dependsOn('platform')).toContain('controllers');
    expect(dependsOn('delivery')).toEqual(expect.arrayContaining(['controllers', 'platform']));
    // The route optimiser's image is built apart from the release: nothing waits for it.
    expect(dependsOn('route-optimiser')).toEqual(['platform']);
    for (const name of names) expect(dependsOn(name), name).not.toContain('route-optimiser');
  });

  it('has an image policy for every marker in the folders its automations update, and pushes where it pulls', () => {
    const flux = built(`infra/flux/${env}`);
    const policies = flux
      .filter((object) => object.kind === 'ImagePolicy')
      .map((object) => `${object.metadata.namespace}:${object.metadata.name}`);
    const source = spec<{ ref: { branch: string } }>(flux.find((object) => object.kind === 'GitRepository'));
    const automations = flux.filter((object) => object.kind === 'ImageUpdateAutomation');
    expect(automations.length).toBeGreaterThan(0);
    const used = new Set<string>();
    for (const automation of automations) {
      const { git, update } = spec<{
        git: { checkout: { ref: { branch: string } }; push: { branch: string } };
        update: { path: string; strategy: string };
      }>(automation);
      expect(git.checkout.ref.branch).toBe(source.ref.branch);
      expect(git.push.branch).toBe(source.ref.branch);
      expect(update.strategy).toBe('Setters');
      // Setters read every YAML file under the path: the markers are in the kustomizations.
      const files = kustomizationsUnder(join(repositoryRoot, update.path));
      const markers = files.flatMap((file) =>
        [
          ...readFileSync(file, 'utf8').matchAll(/\{"\$imagepolicy": "([^"]+?)(?::(tag|digest|name))?"\}/g),
        ].map(([, policy]) => ({ file, policy: policy! })),
      );
      expect(markers.length, update.path).toBeGreaterThan(0);
      for (const { file, policy } of markers) expect(policies, file).toContain(policy);
      markers.forEach(({ policy }) => used.add(policy));
    }
    // And every policy's choice is written somewhere: no image left pinned by hand.
    expect([...used].sort()).toEqual([...policies].sort());
    // The route optimiser's folder is one an automation updates.
    const routeOptimiser = flux.find(
      (object) => object.kind === 'Kustomization' && object.metadata.name === 'route-optimiser',
    );
    expect(spec<{ path: string }>(routeOptimiser).path).toBe(`./infra/k8s/vroom/${env}`);
    expect(
      automations.map((automation) => spec<{ update: { path: string } }>(automation).update.path),
    ).toContain(`./infra/k8s/vroom/${env}`);
    for (const policy of flux.filter((object) => object.kind === 'ImagePolicy'))
      expect(spec<{ digestReflectionPolicy: string }>(policy).digestReflectionPolicy).toBe('Always');
    for (const repository of flux.filter((object) => object.kind === 'ImageRepository'))
      expect(spec<{ secretRef: { name: string } }>(repository).secretRef.name).toBe('nexus-credentials');
  });

  it('delivers the API and the web app by Flagger, checked by the release checks before traffic switches', () => {
    const platform = built(`infra/k8s/overlays/${env}`);
    const canaries = built(`infra/flux/${env}/delivery`).filter((object) => object.kind === 'Canary');
    expect(canaries.map((object) => object.metadata.name).sort()).toEqual(['cocagne-api', 'cocagne-web']);
    const checks = platform.find(
      (object) => object.kind === 'Service' && object.metadata.name === 'cocagne-release-checks',
    );
    expect(objectName(checks!)).toBe('Service/cocagne/cocagne-release-checks');
    expect(spec<{ ports: { port: number }[] }>(checks).ports.map((port) => port.port)).toEqual([8080]);
    for (const canary of canaries) {
      const canarySpec = spec<{
        provider: string;
        targetRef: { kind: string; name: string };
        autoscalerRef: { kind: string; name: string };
        analysis: {
          threshold: number;
          iterations: number;
          webhooks: { type: string; url: string; metadata: Record<string, string> }[];
        };
      }>(canary);
      expect(canarySpec.provider).toBe('kubernetes');
      for (const reference of [canarySpec.targetRef, canarySpec.autoscalerRef])
        expect(
          platform.some(
            (object) => object.kind === reference.kind && object.metadata.name === reference.name,
          ),
          `${canary.metadata.name}: ${reference.kind} ${reference.name}`,
        ).toBe(true);
      expect(canarySpec.analysis.threshold).toBeGreaterThan(0);
      expect(canarySpec.analysis.iterations).toBeGreaterThan(0);
      const types = canarySpec.analysis.webhooks.map((webhook) => webhook.type);
      expect(types).toEqual(expect.arrayContaining(['pre-rollout', 'rollout', 'rollback']));
      for (const webhook of canarySpec.analysis.webhooks) {
        expect(webhook.url).toMatch(
          /^http:\/\/cocagne-release-checks\.cocagne:8080\/(smoke|extension-self-tests|rollback)$/,
        );
        // The canary's own Service, which Flagger makes: `<name>-canary`.
        if (webhook.type !== 'rollback')
          expect(webhook.metadata.target).toBe(`http://${canary.metadata.name}-canary.cocagne:8080`);
      }
    }
    const api = canaries.find((object) => object.metadata.name === 'cocagne-api');
    expect(JSON.stringify(api)).toContain('/extension-self-tests');
  });

  it('pins every Helm chart to one version', () => {
    const releases = built(`infra/flux/${env}/controllers`).filter((object) => object.kind === 'HelmRelease');
    expect(releases.map((object) => object.metadata.name).sort()).toEqual([
      'aws-load-balancer-controller',
      'external-dns',
      'external-secrets',
      'flagger',
    ]);
    // External Secrets' chart is the version whose CRDs the dry run installs.
    const externalSecrets = releases.find((object) => object.metadata.name === 'external-secrets')!;
    expect(`v${spec<{ chart: { spec: { version: string } } }>(externalSecrets).chart.spec.version}`).toBe(
      externalSecretsCrds.version,
    );
    for (const release of releases)
      expect(spec<{ chart: { spec: { version: string } } }>(release).chart.spec.version).toMatch(
        /^\d+\.\d+\.\d+$/,
      );
    expect(JSON.stringify(releases)).not.toContain('placeholder');
  });
});

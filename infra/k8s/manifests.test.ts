import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Type from 'typebox';
import { DocumentSettings, StoreSettings } from '../../adapters/aws.ts';
import { keptInGitLabel } from '../../adapters/kubernetes/garden-cluster.ts';
import { readGardenDeploymentProfile } from '../../adapters/kubernetes/kubernetes-settings.ts';
import { ApiSettings } from '../../api/settings.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { ActivitySettings, NetworkSettings } from '../../temporal/activity-deps.ts';
import { TemporalSettings } from '../../temporal/settings.ts';
import { gardenDeployment, gardenSettings } from '../../domain/garden-deployment.ts';
import { resourceNames } from '../aws/names.ts';
import { stagePrefix, stages } from '../aws/stages.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { parseDockerfile } from '../images/dockerfile.ts';
import { renderGardenYaml } from './garden-yaml.ts';
import {
  kustomizeBuild,
  kustomizeFolders,
  type Manifest,
  objectName,
  parseManifests,
  type PodTemplateOwner,
  podTemplates,
  repositoryRoot,
} from './manifests.ts';
import {
  gardenKustomization,
  gardensDir,
  gardensKustomization,
  imageParts,
  productionGardens,
  productionProfile,
} from './render-production-gardens.ts';
import { infraCheckersReady, infraCheckersWaitMs } from '../../tests/support/side-lanes.ts';

// The checkers this file runs: `npm test` installs them beside the first tests.
beforeAll(() => infraCheckersReady(), infraCheckersWaitMs);

const read = (path: string) => readFileSync(join(repositoryRoot, path), 'utf8');
const builds = new Map<string, Manifest[]>();
const built = (folder: (typeof kustomizeFolders)[number]) => builds.get(folder)!;
const environments = ['staging', 'production'] as const;
/** The garden profile the network worker of an environment reads. */
const profileOf = (env: (typeof environments)[number]) =>
  readGardenDeploymentProfile(
    join(
      repositoryRoot,
      env === 'production'
        ? 'infra/k8s/production/garden-deployment-profile.json'
        : 'infra/k8s/overlays/staging/garden-deployment-profile.json',
    ),
  );

interface ServiceAccountManifest extends Manifest {
  imagePullSecrets?: { name: string }[];
}

/** The pull secrets of a pod: its own and its ServiceAccount's (which Kubernetes copies into it). */
function pullSecretsOf(
  objects: readonly Manifest[],
  owner: Manifest,
  pod: PodTemplateOwner['pod'],
): string[] {
  const account = objects.find(
    (object): object is ServiceAccountManifest =>
      object.kind === 'ServiceAccount' &&
      object.metadata.name === (pod.serviceAccountName ?? 'default') &&
      object.metadata.namespace === owner.metadata.namespace,
  );
  return [...(pod.imagePullSecrets ?? []), ...(account?.imagePullSecrets ?? [])].map((each) => each.name);
}

beforeAll(() => {
  // Once per file: every folder Flux applies, built as its kustomize-controller would.
  const kustomize = testEnvironment().KUSTOMIZE_PATH!;
  for (const folder of kustomizeFolders) builds.set(folder, kustomizeBuild(kustomize, folder));
}, 60_000);

describe('every folder Flux applies', () => {
  it('builds with kustomize, each object once', () => {
    for (const folder of kustomizeFolders) {
      const names = built(folder).map(objectName);
      expect(names.length, folder).toBeGreaterThan(0);
      expect(new Set(names).size, `${folder} names an object twice`).toBe(names.length);
    }
    expect(built('infra/k8s/overlays/production').map((object) => object.kind)).toEqual(
      expect.arrayContaining(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress']),
    );
  });

  it('runs every container pinned by digest, with resources, probes, as non-root on a read-only root', () => {
    const deployed = [
      'infra/k8s/overlays/staging',
      'infra/k8s/overlays/production',
      'infra/k8s/vroom/staging',
      'infra/k8s/vroom/production',
      'infra/k8s/gardens',
    ] as const;
    const problems: string[] = [];
    let containers = 0;
    for (const folder of [...deployed, 'infra/k8s/base'] as const)
      for (const { object, pod } of podTemplates(built(folder)))
        for (const container of pod.containers) {
          containers += 1;
          const where = `${folder}: ${objectName(object)} container ${container.name}`;
          const { image } = container;
          if (/:latest(@|$)/.test(image)) problems.push(`${where}: tag latest`);
          if (!/^[a-z0-9.-]+\/[a-z0-9/-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$/.test(image))
            problems.push(`${where}: ${image} not pinned by digest`);
          for (const kind of ['requests', 'limits'] as const)
            for (const resource of ['cpu', 'memory'])
              if (!container.resources?.[kind]?.[resource]) problems.push(`${where}: no ${kind}.${resource}`);
          if (!container.readinessProbe) problems.push(`${where}: no readiness probe`);
          if (!container.livenessProbe) problems.push(`${where}: no liveness probe`);
          const security = container.securityContext ?? {};
          if (security.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true)
            problems.push(`${where}: runAsNonRoot not set`);
          if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: root file system writable`);
          if (security.allowPrivilegeEscalation !== false)
            problems.push(`${where}: privilege escalation allowed`);
          expect(security.capabilities, where).toEqual({ drop: ['ALL'] });
        }
    expect(problems).toEqual([]);
    expect(containers).toBeGreaterThanOrEqual(4 * 3 + 2);
  });

  it('gives each environment its own values, none left as placeholders', () => {
    for (const env of environments) {
      const folder = `infra/k8s/overlays/${env}` as const;
      const objects = built(folder);
      const [environment] = parseManifests(read(`${folder}/environment.yaml`), folder) as [
        Manifest & { data: Record<string, string> },
      ];
      expect(JSON.stringify(objects)).not.toContain('placeholder');
      expect(objects.some((object) => object.metadata.name === 'cocagne-environment')).toBe(false);
      const ingress = objects.find((object) => object.kind === 'Ingress')!;
      const spec = ingress.spec as { rules: { host: string }[]; tls: { hosts: string[] }[] };
      expect(spec.rules[0]?.host).toBe(environment.data.host);
      expect(spec.tls[0]?.hosts).toEqual([environment.data.host]);
      for (const component of ['api', 'web']) {
        const action = JSON.parse(
          ingress.metadata.annotations?.[`alb.ingress.kubernetes.io/actions.cocagne-${component}`] ?? '',
        ) as { forwardConfig: { targetGroups: { targetGroupARN: string }[] } };
        const arn = environment.data[`${component}TargetGroupArn`];
        expect(action.forwardConfig.targetGroups).toEqual([{ targetGroupARN: arn }]);
        const binding = objects.find(
          (object) => object.kind === 'TargetGroupBinding' && object.metadata.name === `cocagne-${component}`,
        );
        expect(binding?.spec).toMatchObject({
          targetGroupARN: arn,
          serviceRef: { name: `cocagne-${component}` },
        });
      }
      expect(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/wafv2-acl-arn']).toBe(
        environment.data.wafAclArn,
      );
      expect(JSON.stringify(objects.filter((object) => object.kind === 'NetworkPolicy'))).toContain(
        environment.data.vpcCidr,
      );
    }
  });

  it('agrees with the AWS stack: account, network, names, the ALB origin', () => {
    for (const env of environments) {
      const stage = stages.find((each) => each.name === env)!;
      const [environment] = parseManifests(read(`infra/k8s/overlays/${env}/environment.yaml`), env) as [
        Manifest & { data: Record<string, string> },
      ];
      expect(environment.data.host).toBe(stage.domains.apiOrigin);
      expect(environment.data.vpcCidr).toBe(stage.network.cidr);
      expect(environment.data.loadBalancerName).toBe(stage.monitoring.apiLoadBalancer.split('/')[1]);
      for (const arn of ['certificateArn', 'wafAclArn', 'apiTargetGroupArn', 'webTargetGroupArn'])
        expect(environment.data[arn]).toContain(`:${stage.region}:${stage.account}:`);
      const config = built(`infra/k8s/overlays/${env}`).find((object) =>
        object.metadata.name.startsWith('cocagne-config'),
      ) as Manifest & { data: Record<string, string> };
      expect(config.data).toMatchObject({
        AWS_REGION: stage.region,
        DYNAMODB_TABLE_PREFIX: stagePrefix(stage),
        S3_BUCKET: `${stagePrefix(stage)}-documents-${stage.account}`,
        TEMPORAL_ADDRESS: stage.temporal.address,
        TEMPORAL_NAMESPACE: stage.temporal.namespace,
        PUBLIC_URL: `https://${stage.domains.web}`,
      });
      const profile = profileOf(env);
      expect(profile.environment).toMatchObject({
        DYNAMODB_TABLE_PREFIX: config.data.DYNAMODB_TABLE_PREFIX,
        S3_BUCKET: config.data.S3_BUCKET,
      });
      expect(profile.temporal.address).toBe(stage.temporal.address);
      // The gardens' workers' role by IRSA (infra/aws cluster-stack.ts).
      expect(profile.awsRoleArn).toBe(`arn:aws:iam::${stage.account}:role/cocagne-garden-worker`);
      // Gardens' own hosts are CloudFront's (infra/aws edge stack), not the ALB's.
      expect(profile.site).toEqual({ via: 'cloudfront' });
    }
  });

  it('gives the API, the network worker and the gardens’ workers every setting they check at start', () => {
    // The Secrets' keys, as External Secrets makes them: values never in Git.
    const secrets: Record<string, string> = {
      TEMPORAL_API_KEY: 'x',
      STRIPE_SECRET_KEY: 'sk_live_x',
      KEYCLOAK_ADMIN_CLIENT_SECRET: 'x',
    };
    const workerSettings = Type.Object({
      ...TemporalSettings.properties,
      ...ActivitySettings.properties,
      ...NetworkSettings.properties,
    });
    const literalEnv = (container: { env?: { name: string; value?: string }[] }) =>
      Object.fromEntries(
        (container.env ?? []).map((variable) => [variable.name, variable.value ?? 'from-a-secret']),
      );
    for (const env of environments) {
      const objects = built(`infra/k8s/overlays/${env}`);
      const config = objects.find((object) =>
        object.metadata.name.startsWith('cocagne-config'),
      ) as Manifest & {
        data: Record<string, string>;
      };
      const containers = Object.fromEntries(
        podTemplates(objects).map(({ object, pod }) => [object.metadata.name, pod.containers[0]!]),
      );
      const environmentOf = (name: string) => ({
        ...config.data,
        ...secrets,
        ...literalEnv(containers[name] as { env?: { name: string; value?: string }[] }),
      });
      expect(() => readConfiguration(ApiSettings, environmentOf('cocagne-api')), env).not.toThrow();
      expect(() => readConfiguration(workerSettings, environmentOf('cocagne-worker')), env).not.toThrow();
      // The release checks read the store and the bucket (infra/release/checks-server.ts).
      const checksSettings = Type.Object({ ...StoreSettings.properties, ...DocumentSettings.properties });
      expect(
        () => readConfiguration(checksSettings, environmentOf('cocagne-release-checks')),
        env,
      ).not.toThrow();
    }
    // The web app's nginx admits Keycloak's origin in its Content-Security-Policy (without it,
    // the image stops at start): the origin of the issuer the API trusts.
    for (const env of environments) {
      const objects = built(`infra/k8s/overlays/${env}`);
      const dataOf = (prefix: string) =>
        (
          objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith(prefix)) as
            (Manifest & { data: Record<string, string> }) | undefined
        )?.data ?? {};
      const web = podTemplates(objects).find(({ object }) => object.metadata.name === 'cocagne-web')!;
      const references =
        (web.pod.containers[0] as { envFrom?: { configMapRef?: { name: string } }[] }).envFrom ?? [];
      const webConfig = objects.find(
        (object) =>
          object.kind === 'ConfigMap' &&
          references.some((reference) => reference.configMapRef?.name === object.metadata.name),
      ) as (Manifest & { data: Record<string, string> }) | undefined;
      expect(webConfig?.data.COCAGNE_IDENTITY_ORIGIN, env).toBe(
        new URL(dataOf('cocagne-config').OIDC_ISSUER!).origin,
      );
    }
    // A garden's worker: its ConfigMap, and its Secret's keys.
    for (const garden of productionGardens()) {
      const objects = gardenDeployment(gardenSettings(productionProfile(), garden.gardenId, garden.hostName));
      const configMap = objects.find((object) => object.kind === 'ConfigMap')!;
      const keys = productionProfile().secret?.keys ?? [];
      const gardenEnvironment = {
        ...configMap.data,
        ...Object.fromEntries(keys.map((key) => [key, secrets[key] ?? 'x'])),
      };
      expect(() => readConfiguration(workerSettings, gardenEnvironment), garden.gardenId).not.toThrow();
    }
  });

  it('makes every Secret the pods and Flux read with External Secrets, from the stage’s AWS secrets', () => {
    type ExternalSecretSpec = {
      secretStoreRef: { kind: string; name: string };
      target: { name: string };
      data?: { secretKey: string; remoteRef: { key: string } }[];
      dataFrom?: { extract: { key: string } }[];
    };
    for (const env of environments) {
      const stage = stages.find((each) => each.name === env)!;
      const objects = built(`infra/k8s/overlays/${env}`);
      const store = objects.find((object) => object.kind === 'ClusterSecretStore')!;
      // The operator reads as its own ServiceAccount (Pod Identity): no credentials in the store,
      // and only under the stage's prefix, the AWS stack's secrets (infra/aws names.ts).
      expect(store.spec, env).toEqual(
        expect.objectContaining({
          provider: {
            aws: { service: 'SecretsManager', region: stage.region, prefix: `${stagePrefix(stage)}/` },
          },
        }),
      );
      const made = new Map<string, ExternalSecretSpec>(
        objects
          .filter((object) => object.kind === 'ExternalSecret')
          .map((object) => {
            const spec = object.spec as ExternalSecretSpec;
            expect(spec.secretStoreRef, objectName(object)).toEqual({
              kind: 'ClusterSecretStore',
              name: store.metadata.name,
            });
            return [`${object.metadata.namespace}/${spec.target.name}`, spec];
          }),
      );
      // Every Secret a pod of the platform reads, and the kubelet pulls its image with (its
      // ServiceAccount's), but the token controller's.
      const read = new Set<string>();
      for (const { object, pod } of podTemplates(objects)) {
        const text = JSON.stringify(pod);
        for (const match of text.matchAll(/"(?:secretRef|secretKeyRef)":\{[^}]*"name":"([^"]+)"/g))
          read.add(`${object.metadata.namespace}/${match[1]}`);
        for (const match of text.matchAll(/"secret":\{"secretName":"([^"]+)"/g))
          read.add(`${object.metadata.namespace}/${match[1]}`);
        for (const name of pullSecretsOf(objects, object, pod))
          read.add(`${object.metadata.namespace}/${name}`);
      }
      // Flux's: the registry's credentials and the alerts' webhook.
      const flux = [...built(`infra/flux/${env}`)];
      for (const object of flux) {
        const name = (object.spec as { secretRef?: { name: string } } | undefined)?.secretRef?.name;
        if (name && name !== 'flux-system') read.add(`flux-system/${name}`);
      }
      read.delete('cocagne/cocagne-provisioner-token');
      expect([...read].sort(), env).toEqual([...made.keys()].sort());
      expect(read.has('flux-system/nexus-credentials') && read.has('flux-system/flux-notifications')).toBe(
        true,
      );
      // The keys the API's and the network worker's settings check.
      expect(
        made
          .get('cocagne/cocagne-secrets')
          ?.data?.map((each) => each.secretKey)
          .sort(),
      ).toEqual([
        'KEYCLOAK_ADMIN_CLIENT_SECRET',
        'STRIPE_SECRET_KEY',
        'STRIPE_WEBHOOK_SECRET',
        'TEMPORAL_API_KEY',
        'TEMPORAL_PAYLOAD_KEYS',
        'TEMPORAL_PAYLOAD_KEY_ID',
      ]);
      // The Temporal key's secret is the one the AWS stack makes, under the store's prefix.
      const temporalKey = made
        .get('cocagne/cocagne-secrets')
        ?.data?.find((each) => each.secretKey === 'TEMPORAL_API_KEY')?.remoteRef.key;
      expect(`${stagePrefix(stage)}/${temporalKey}`).toBe(resourceNames(stage).temporalApiKeySecret);
      const payloadKeys = made
        .get('cocagne/cocagne-secrets')
        ?.data?.find((each) => each.secretKey === 'TEMPORAL_PAYLOAD_KEYS')?.remoteRef.key;
      expect(`${stagePrefix(stage)}/${payloadKeys}`).toBe(resourceNames(stage).temporalPayloadKeysSecret);
      // Every garden's worker seals and opens payloads with the same keys as the API and the
      // network worker, and none starts without them.
      expect(profileOf(env).secret?.keys).toEqual(
        expect.arrayContaining(['TEMPORAL_PAYLOAD_KEYS', 'TEMPORAL_PAYLOAD_KEY_ID']),
      );
      expect(profileOf(env).environment).toMatchObject({ TEMPORAL_PAYLOAD_KEYS_REQUIRED: 'true' });
      const config = objects.find(
        (object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('cocagne-config'),
      ) as { data?: Record<string, string> } | undefined;
      expect(config?.data?.['TEMPORAL_PAYLOAD_KEYS_REQUIRED'], env).toBe('true');
      // The gardens' workers' Secret in every garden's namespace, Git's and the workflow's.
      const profile = profileOf(env);
      const gardens = objects.find(
        (object) =>
          object.kind === 'ClusterExternalSecret' &&
          (object.spec as { externalSecretSpec: ExternalSecretSpec }).externalSecretSpec.target.name ===
            profile.secret?.name,
      )!;
      expect(gardens, env).toBeDefined();
      const gardenSpec = gardens.spec as {
        namespaceSelectors: { matchLabels: Record<string, string> }[];
        externalSecretSpec: ExternalSecretSpec;
      };
      expect(gardenSpec.externalSecretSpec.data?.map((each) => each.secretKey).sort()).toEqual(
        [...(profile.secret?.keys ?? [])].sort(),
      );
      const namespace = gardenDeployment(gardenSettings(profile, 'any-garden')).find(
        (object) => object.kind === 'Namespace',
      )!;
      for (const selector of gardenSpec.namespaceSelectors)
        expect(namespace.metadata.labels).toMatchObject(selector.matchLabels);
    }
  });

  it('gives the network worker the gardens’ image: its own, as Flux’s markers set it, and CloudWatch metrics', () => {
    for (const env of environments) {
      const worker = podTemplates(built(`infra/k8s/overlays/${env}`)).find(
        ({ object }) => object.metadata.name === 'cocagne-worker',
      )!.pod.containers[0] as unknown as { image: string; env: { name: string; value?: string }[] };
      const variable = (name: string) => worker.env.find((each) => each.name === name)?.value;
      const kustomization = read(`infra/k8s/overlays/${env}/kustomization.yaml`);
      const digest =
        /digest: (sha256:[0-9a-f]{64}) # \{"\$imagepolicy": "flux-system:cocagne-worker:digest"\}/.exec(
          kustomization,
        )?.[1];
      expect(digest, env).toBeDefined();
      expect(worker.image.endsWith(`@${digest}`), env).toBe(true);
      expect(variable('GARDEN_WORKER_IMAGE'), env).toBe(worker.image);
      expect(variable('METRICS_CLOUDWATCH'), env).toBe('true');
      // A new release reaches the gardens the workflow deployed: applied again at its start.
      expect(variable('GARDEN_REFRESH_ON_START'), env).toBe('true');
      // The API runs hooks too: its extension calls and fallbacks count in the alarm.
      const api = podTemplates(built(`infra/k8s/overlays/${env}`)).find(
        ({ object }) => object.metadata.name === 'cocagne-api',
      )!.pod.containers[0] as unknown as { env: { name: string; value?: string }[] };
      expect(api.env.find((each) => each.name === 'METRICS_CLOUDWATCH')?.value, env).toBe('true');
      // The gardens' workers publish theirs too (the profile's environment, their ConfigMap).
      const profile = profileOf(env);
      expect(profile.environment?.METRICS_CLOUDWATCH, env).toBe('true');
    }
  });

  it('lets the network worker reach the Kubernetes API: its Service address and the control plane’s interfaces', () => {
    type Policy = {
      podSelector: { matchLabels?: Record<string, string>; matchExpressions?: unknown };
      policyTypes: string[];
      egress?: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port: number }[] }[];
    };
    for (const env of environments) {
      const objects = built(`infra/k8s/overlays/${env}`);
      const stage = stages.find((each) => each.name === env)!;
      const worker = podTemplates(objects).find(({ object }) => object.metadata.name === 'cocagne-worker')!;
      const labels = (worker.object.spec as { template: { metadata: { labels: Record<string, string> } } })
        .template.metadata.labels;
      const allowed = objects
        .filter((object) => object.kind === 'NetworkPolicy')
        .map((object) => object.spec as Policy)
        .filter(
          (policy) =>
            policy.podSelector.matchExpressions === undefined &&
            Object.entries(policy.podSelector.matchLabels ?? {}).every(
              ([key, value]) => labels[key] === value,
            ),
        )
        .flatMap((policy) =>
          (policy.egress ?? []).flatMap((rule) =>
            (rule.to ?? []).flatMap((peer) =>
              (rule.ports ?? []).map((port) => `${peer.ipBlock?.cidr ?? 'pods'}:${port.port}`),
            ),
          ),
        );
      // kubernetes.default.svc (EKS's first service address for a VPC in 10.0.0.0/8) and the VPC.
      expect(allowed, env).toEqual(
        expect.arrayContaining(['172.20.0.1/32:443', `${stage.network.cidr}:443`]),
      );
    }
  });

  it('serves the route optimiser at VROOM_URL, to the API, the network worker and the gardens’ workers', () => {
    for (const env of environments) {
      const objects = [...built(`infra/k8s/overlays/${env}`), ...built(`infra/k8s/vroom/${env}`)];
      const config = objects.find((object) =>
        object.metadata.name.startsWith('cocagne-config'),
      ) as Manifest & {
        data: Record<string, string>;
      };
      const url = new URL(config.data.VROOM_URL!);
      expect(profileOf(env).environment?.VROOM_URL).toBe(config.data.VROOM_URL);
      const [serviceName, namespace] = url.hostname.split('.');
      const service = objects.find(
        (object) => object.kind === 'Service' && object.metadata.name === serviceName,
      ) as Manifest & { spec: { selector: Record<string, string>; ports: { port: number }[] } };
      expect(service?.metadata.namespace).toBe(namespace);
      expect(service.spec.ports.map((port) => port.port)).toEqual([Number(url.port)]);
      const vroom = podTemplates(objects).find(({ object }) => object.metadata.name === serviceName)!;
      const podLabels = (vroom.object.spec as { template: { metadata: { labels: Record<string, string> } } })
        .template.metadata.labels;
      expect(podLabels).toMatchObject(service.spec.selector);
      // Its image is the release's, as Flux's markers in the environment's folder set it, and
      // its command the image's own (infra/images/vroom.Dockerfile) on the Service's port.
      const markers = read(`infra/k8s/vroom/${env}/kustomization.yaml`);
      const marker = (field: string, value: string) =>
        new RegExp(
          `${field}: (${value}) # \\{"\\$imagepolicy": "flux-system:cocagne-vroom:${field === 'newTag' ? 'tag' : 'digest'}"\\}`,
        ).exec(markers)?.[1];
      const container = vroom.pod.containers[0] as unknown as { image: string; command: string[] };
      expect(container.image, env).toBe(
        `nexus.example.org/cocagne/cocagne-vroom:${marker('newTag', '\\S+')}@${marker('digest', 'sha256:[0-9a-f]{64}')}`,
      );
      const imageCommand = parseDockerfile(read('infra/images/vroom.Dockerfile')).final.command!;
      expect(container.command).toEqual(imageCommand);
      expect(imageCommand[imageCommand.indexOf('--port') + 1]).toBe(url.port);
      // The gardens' workers: their profile's egress reaches those pods, and the pods' policy
      // admits them (their namespace's and pod's labels, as gardenDeployment writes them).
      expect(JSON.stringify(profileOf(env).egress.others?.vroom)).toContain(
        JSON.stringify(service.spec.selector),
      );
      const policy = objects.find(
        (object) => object.kind === 'NetworkPolicy' && object.metadata.name === 'vroom',
      )!.spec as {
        ingress: {
          from: {
            namespaceSelector?: { matchLabels: Record<string, string> };
            podSelector?: { matchLabels?: Record<string, string> };
          }[];
          ports: { port: number }[];
        }[];
      };
      expect(policy.ingress[0]?.ports).toEqual([{ protocol: 'TCP', port: Number(url.port) }]);
      const garden = gardenDeployment(gardenSettings(profileOf(env), 'any-garden'));
      const gardenNamespace = garden.find((object) => object.kind === 'Namespace')!.metadata.labels;
      const gardenWorker = (
        garden.find((object) => object.kind === 'Deployment') as unknown as {
          spec: { template: { metadata: { labels: Record<string, string> } } };
        }
      ).spec.template.metadata.labels;
      expect(
        policy.ingress[0]?.from.some(
          (peer) =>
            peer.namespaceSelector !== undefined &&
            Object.entries(peer.namespaceSelector.matchLabels).every(
              ([key, value]) => gardenNamespace[key] === value,
            ) &&
            Object.entries(peer.podSelector?.matchLabels ?? {}).every(
              ([key, value]) => gardenWorker[key] === value,
            ),
        ),
        env,
      ).toBe(true);
    }
  });

  it('pulls every pod’s image with a secret External Secrets makes in its namespace: the platform, the route optimiser, the gardens', () => {
    type ExternalSecretSpec = {
      target: { name: string; template?: { type?: string } };
      dataFrom?: { extract: { key: string } }[];
    };
    /** A docker config Secret from the AWS secret nexus-pull (its registry and read-only user). */
    const isNexusPull = (spec: ExternalSecretSpec) =>
      spec.target.template?.type === 'kubernetes.io/dockerconfigjson' &&
      JSON.stringify(spec.dataFrom) === JSON.stringify([{ extract: { key: 'nexus-pull' } }]);
    const problems: string[] = [];
    let pods = 0;
    for (const env of environments) {
      const platform = built(`infra/k8s/overlays/${env}`);
      const clusterSecrets = platform
        .filter((object) => object.kind === 'ClusterExternalSecret')
        .map(
          (object) =>
            object.spec as {
              namespaceSelectors: { matchLabels: Record<string, string> }[];
              externalSecretSpec: ExternalSecretSpec;
            },
        );
      /** Whether a pull secret of that name is made in that namespace (given its labels). */
      const madeIn = (namespace: string, labels: Record<string, string>, name: string) =>
        platform.some(
          (object) =>
            object.kind === 'ExternalSecret' &&
            object.metadata.namespace === namespace &&
            (object.spec as ExternalSecretSpec).target.name === name &&
            isNexusPull(object.spec as ExternalSecretSpec),
        ) ||
        clusterSecrets.some(
          (spec) =>
            spec.externalSecretSpec.target.name === name &&
            isNexusPull(spec.externalSecretSpec) &&
            spec.namespaceSelectors.some((selector) =>
              Object.entries(selector.matchLabels).every(([key, value]) => labels[key] === value),
            ),
        );
      const check = (where: string, objects: readonly Manifest[]) => {
        for (const { object, pod } of podTemplates(objects)) {
          pods += 1;
          const namespace = object.metadata.namespace!;
          const labels =
            objects.find((each) => each.kind === 'Namespace' && each.metadata.name === namespace)?.metadata
              .labels ?? {};
          const names = pullSecretsOf(objects, object, pod);
          if (names.length === 0) problems.push(`${where}: ${objectName(object)} names no pull secret`);
          for (const name of names)
            if (!madeIn(namespace, labels, name))
              problems.push(`${where}: ${objectName(object)} pulls with ${name}, made in no ${namespace}`);
        }
      };
      check(env, platform);
      // The route optimiser's pods run in the platform's namespace, with its ServiceAccount.
      check(`vroom/${env}`, [
        ...built(`infra/k8s/vroom/${env}`),
        ...platform.filter((o) => o.kind === 'Namespace'),
      ]);
      // The gardens the workflow creates in this environment, from its profile.
      check(`${env} gardens`, gardenDeployment(gardenSettings(profileOf(env), 'any-garden')) as Manifest[]);
      // Git's gardens (production's Flux applies them).
      if (env === 'production') check('infra/k8s/gardens', built('infra/k8s/gardens'));
    }
    expect(problems).toEqual([]);
    // The API, the web app, the network worker, the release checks and VROOM, twice; four gardens.
    expect(pods).toBe(2 * 5 + 2 + 2);
  });

  it('keeps Keycloak’s provisioner client to the network worker: no garden profile nor namespace gets its secret', () => {
    const realm = JSON.parse(read('infra/keycloak/realm-production.json')) as {
      users: { serviceAccountClientId: string; clientRoles: Record<string, string[]> }[];
    };
    const managesClients = (clientId: string | undefined) =>
      realm.users
        .find((user) => user.serviceAccountClientId === clientId)
        ?.clientRoles['realm-management']?.includes('manage-clients') ?? false;
    const forbidden = ['cocagne-provisioner', 'KEYCLOAK_PROVISIONER', 'cocagne-keycloak-provisioner'];
    for (const env of environments) {
      const objects = built(`infra/k8s/overlays/${env}`);
      type Variable = {
        name: string;
        value?: string;
        valueFrom?: { secretKeyRef?: { name: string; key: string } };
      };
      const containerOf = (name: string) =>
        podTemplates(objects).find(({ object }) => object.metadata.name === name)!.pod
          .containers[0] as unknown as {
          env?: Variable[];
        };
      const variable = (container: { env?: Variable[] }, name: string) =>
        container.env?.find((each) => each.name === name);
      // The network worker signs in as cocagne-provisioner, with its own Secret's key, over the
      // ConfigMap's and cocagne-secrets' cocagne-worker.
      const worker = containerOf('cocagne-worker');
      expect(variable(worker, 'KEYCLOAK_ADMIN_CLIENT_ID')?.value, env).toBe('cocagne-provisioner');
      expect(variable(worker, 'KEYCLOAK_ADMIN_CLIENT_SECRET')?.valueFrom?.secretKeyRef, env).toEqual({
        name: 'cocagne-keycloak-provisioner',
        key: 'KEYCLOAK_PROVISIONER_CLIENT_SECRET',
        optional: false,
      });
      expect(managesClients('cocagne-provisioner')).toBe(true);
      const made = objects.find(
        (object) =>
          object.kind === 'ExternalSecret' && object.metadata.name === 'cocagne-keycloak-provisioner',
      );
      expect(made?.metadata.namespace).toBe('cocagne');
      expect((made?.spec as { data: unknown[] }).data).toEqual([
        {
          secretKey: 'KEYCLOAK_PROVISIONER_CLIENT_SECRET',
          remoteRef: { key: 'application', property: 'KEYCLOAK_PROVISIONER_CLIENT_SECRET' },
        },
      ]);
      // No other pod reads it: the API (its ConfigMap's client is cocagne-worker), the web app,
      // the release checks, the route optimiser.
      const config = objects.find((object) =>
        object.metadata.name.startsWith('cocagne-config'),
      ) as Manifest & {
        data: Record<string, string>;
      };
      expect(config.data.KEYCLOAK_ADMIN_CLIENT_ID).toBe('cocagne-worker');
      expect(managesClients(config.data.KEYCLOAK_ADMIN_CLIENT_ID)).toBe(false);
      for (const { object, pod } of [
        ...podTemplates(objects),
        ...podTemplates(built(`infra/k8s/vroom/${env}`)),
      ])
        if (object.metadata.name !== 'cocagne-worker')
          for (const text of forbidden)
            expect(JSON.stringify(pod), `${objectName(object)} ${text}`).not.toContain(text);
      // Nor any other Secret of the platform (cocagne-secrets, which the API reads), nor any
      // garden's namespace: the ClusterExternalSecrets copy nothing of it.
      for (const object of objects.filter((each) => each.kind.endsWith('ExternalSecret')))
        if (object.metadata.name !== 'cocagne-keycloak-provisioner')
          expect(JSON.stringify(object.spec), objectName(object)).not.toContain('KEYCLOAK_PROVISIONER');
      // The gardens' profile (the workflow's gardens) signs in as cocagne-worker, with no client rights.
      const profile = profileOf(env);
      expect(profile.environment?.KEYCLOAK_ADMIN_CLIENT_ID, env).toBe('cocagne-worker');
      expect(managesClients(profile.environment?.KEYCLOAK_ADMIN_CLIENT_ID)).toBe(false);
      for (const text of forbidden)
        expect(JSON.stringify(gardenDeployment(gardenSettings(profile, 'any-garden'))), text).not.toContain(
          text,
        );
    }
    // Git's gardens, and the other profiles and renderings.
    for (const [name, text] of [
      ['infra/k8s/gardens', JSON.stringify(built('infra/k8s/gardens'))],
      ['production profile', read('infra/k8s/production/garden-deployment-profile.json')],
      ['staging profile', read('infra/k8s/overlays/staging/garden-deployment-profile.json')],
      ['local profile', read('infra/local/garden-deployment-profile.json')],
      ['demo garden', read('infra/k8s/demo-garden.yaml')],
    ])
      for (const forbiddenText of forbidden)
        expect(text, `${name}: ${forbiddenText}`).not.toContain(forbiddenText);
  });

  it('keeps a copy of the provisioner role in the base, identical to infra/k8s/provisioner-rbac.yaml', () => {
    // After a change of the role: cp infra/k8s/provisioner-rbac.yaml infra/k8s/base/
    expect(read('infra/k8s/base/provisioner-rbac.yaml')).toBe(read('infra/k8s/provisioner-rbac.yaml'));
  });
});

describe('the production gardens in Git', () => {
  const profile = productionProfile();
  const gardens = productionGardens();

  it('are what the provisioning workflow applies: the same profile, composition and function', () => {
    // After a change: node infra/k8s/render-production-gardens.ts
    for (const garden of gardens) {
      const settings = gardenSettings(profile, garden.gardenId, garden.hostName);
      const file = join(gardensDir, garden.gardenId, 'garden.yaml');
      expect(readFileSync(file, 'utf8')).toBe(renderGardenYaml(settings));
      expect(parseManifests(readFileSync(file, 'utf8'), file)).toEqual(gardenDeployment(settings));
    }
    expect(read('infra/k8s/gardens/kustomization.yaml')).toBe(gardensKustomization(gardens));
    expect(gardens.map((garden) => garden.gardenId)).toEqual(['val-du-doubs', 'pays-de-vesoul']);
  });

  it('build to those objects, the worker at the digest Flux keeps in each kustomization', () => {
    const { name } = imageParts(profile.image);
    for (const garden of gardens) {
      const folder = `infra/k8s/gardens/${garden.gardenId}` as 'infra/k8s/gardens/val-du-doubs';
      const kustomization = read(`${folder}/kustomization.yaml`);
      const digest =
        /digest: (sha256:[0-9a-f]{64}) # \{"\$imagepolicy": "flux-system:cocagne-worker:digest"\}/.exec(
          kustomization,
        )?.[1];
      expect(digest, `${folder}/kustomization.yaml: the worker's digest and its marker`).toBeDefined();
      const expected = gardenDeployment(
        gardenSettings({ ...profile, image: `${name}@${digest}` }, garden.gardenId, garden.hostName),
      );
      const sortedByName = (objects: readonly unknown[]) =>
        [...(objects as Manifest[])].sort((a, b) => objectName(a).localeCompare(objectName(b)));
      expect(sortedByName(built(folder))).toEqual(sortedByName(expected));
      if (digest === imageParts(profile.image).digest)
        expect(kustomization).toBe(gardenKustomization(profile));
    }
  });

  it('are Git’s alone: each namespace says so, and the provisioning workflow leaves them to Flux', () => {
    const namespaces = built('infra/k8s/gardens').filter((object) => object.kind === 'Namespace');
    expect(namespaces.map((namespace) => namespace.metadata.labels?.['cocagne/garden'])).toEqual(
      expect.arrayContaining(gardens.map((garden) => garden.gardenId)),
    );
    expect(namespaces).toHaveLength(gardens.length);
    for (const namespace of namespaces) expect(namespace.metadata.labels?.[keptInGitLabel]).toBe('true');
    // What the label does to the workflow's apply and remove: garden-cluster.test.ts.
  });

  it('leave a garden’s own host to its CloudFront distribution: nothing for it in the cluster', () => {
    // infra/aws makes a distribution and certificate per host of the stage's gardenHosts; it
    // reaches the ALB under the platform's own name (apiOrigin), which the platform's Ingress serves.
    expect(profile.site).toEqual({ via: 'cloudfront' });
    const production = stages.find((stage) => stage.name === 'production')!;
    const hosts = gardens.flatMap((garden) => (garden.hostName ? [garden.hostName] : []));
    expect(hosts.length).toBeGreaterThan(0);
    // (By name: the list's entries are host names, or objects naming theirs.)
    for (const host of hosts) expect(JSON.stringify(production.domains.gardenHosts)).toContain(`"${host}"`);
    expect(
      built('infra/k8s/gardens').filter((object) => object.kind === 'Ingress' || object.kind === 'Service'),
    ).toEqual([]);
    const [environment] = parseManifests(
      read('infra/k8s/overlays/production/environment.yaml'),
      'environment',
    ) as [Manifest & { data: Record<string, string> }];
    expect(JSON.stringify(profile.egress)).toContain(environment.data.vpcCidr);
  });

  it('is the profile the network’s worker reads in production', () => {
    const configMap = built('infra/k8s/overlays/production').find((object) =>
      object.metadata.name.startsWith('cocagne-garden-deployment-profile'),
    ) as Manifest & { data: Record<string, string> };
    expect(configMap.data['garden-deployment-profile.json']).toBe(
      read('infra/k8s/production/garden-deployment-profile.json'),
    );
    const worker = podTemplates(built('infra/k8s/overlays/production')).find(
      ({ object }) => object.metadata.name === 'cocagne-worker',
    );
    expect(JSON.stringify(worker?.pod)).toContain(configMap.metadata.name);
  });
});

import { describe, expect, it } from 'vitest';
import { CocagneError } from './errors.ts';
import {
  albActions,
  defaultWorkerResources,
  gardenDeployment,
  gardenObjectNames,
  type GardenDeploymentSettings,
  type GardenKubernetesObject,
  maxDeployableSlugLength,
  requireDeployableSlug,
  workerHealthPort,
  isDigestPinned,
  memoryLimitFor,
  minimumCachedWorkflows,
  workflowCacheFor,
} from './garden-deployment.ts';

const image = `registry.example.org/cocagne/worker@sha256:${'a1'.repeat(32)}`;

function settings(overrides: Partial<GardenDeploymentSettings> = {}): GardenDeploymentSettings {
  return {
    gardenId: 'val-du-doubs',
    image,
    temporal: { address: 'temporal-frontend.temporal.svc.cluster.local:7233', namespace: 'cocagne' },
    environment: { AWS_REGION: 'eu-west-3', S3_BUCKET: 'cocagne-documents' },
    secret: { keys: ['KEYCLOAK_ADMIN_CLIENT_SECRET'] },
    egress: {
      temporal: { to: [{ namespace: 'temporal' }], ports: [{ port: 7233 }] },
      aws: { to: [{ cidr: '10.0.0.0/16' }], ports: [{ port: 443 }] },
      keycloak: { to: [{ namespace: 'keycloak', podLabels: { app: 'keycloak' } }], ports: [{ port: 8080 }] },
    },
    ...overrides,
  };
}

function only<K extends GardenKubernetesObject['kind']>(
  objects: GardenKubernetesObject[],
  kind: K,
): Extract<GardenKubernetesObject, { kind: K }> {
  const found = objects.filter((object) => object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<GardenKubernetesObject, { kind: K }>;
}

function refusal(run: () => unknown): CocagneError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CocagneError);
    return error as CocagneError;
  }
  throw new Error('expected a refusal');
}

describe('gardenDeployment', () => {
  it('lists the objects of a garden without its own host, namespace first', () => {
    const objects = gardenDeployment(settings());
    expect(objects.map((object) => object.kind)).toEqual([
      'Namespace',
      'ResourceQuota',
      'LimitRange',
      'NetworkPolicy',
      'ServiceAccount',
      'ConfigMap',
      'Deployment',
      'PodDisruptionBudget',
    ]);
    for (const object of objects.slice(1)) expect(object.metadata.namespace).toBe('garden-val-du-doubs');
    expect(objects[0]?.metadata.namespace).toBeUndefined();
  });

  it('labels every object with the app, its garden and its tenancy', () => {
    for (const object of gardenDeployment(settings()))
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'cocagne',
        'cocagne/garden': 'val-du-doubs',
        'cocagne/tenant': 'garden',
      });
    const deployment = only(gardenDeployment(settings()), 'Deployment');
    expect(deployment.metadata.labels['app.kubernetes.io/component']).toBe('worker');
    expect(deployment.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'cocagne',
      'app.kubernetes.io/component': 'worker',
      'cocagne/garden': 'val-du-doubs',
    });
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
    });
    const namespace = only(gardenDeployment(settings()), 'Namespace');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('names every object from the slug, each a DNS-1123 label of at most 63 characters', () => {
    const longest = 'a'.repeat(maxDeployableSlugLength);
    for (const gardenId of ['abc', 'val-du-doubs', '1-jardin', longest]) {
      const names = Object.values(gardenObjectNames(gardenId));
      for (const name of names) {
        expect(name.length).toBeLessThanOrEqual(63);
        // DNS-1035 too (a Service's name): a letter first.
        expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
      }
      expect(
        new Set(gardenDeployment(settings({ gardenId })).map((o) => `${o.kind}/${o.metadata.name}`)).size,
      ).toBe(8);
    }
    expect(gardenObjectNames('val-du-doubs')).toMatchObject({
      namespace: 'garden-val-du-doubs',
      worker: 'garden-val-du-doubs-worker',
      config: 'garden-val-du-doubs-worker-config',
    });
  });

  it('gives the worker only its garden: WORKER_GARDENS and Temporal in the ConfigMap, secrets by reference', () => {
    const objects = gardenDeployment(settings());
    const config = only(objects, 'ConfigMap');
    expect(config.data).toEqual({
      AWS_REGION: 'eu-west-3',
      S3_BUCKET: 'cocagne-documents',
      WORKER_GARDENS: 'val-du-doubs',
      TEMPORAL_ADDRESS: 'temporal-frontend.temporal.svc.cluster.local:7233',
      TEMPORAL_NAMESPACE: 'cocagne',
      TEMPORAL_TLS: 'false',
      WORKER_HEALTH_PORT: String(workerHealthPort),
      WORKER_HEALTH_HOST: '0.0.0.0',
      WORKER_MAX_CACHED_WORKFLOWS: String(workflowCacheFor(defaultWorkerResources)),
    });
    const deployment = only(objects, 'Deployment');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe(image);
    expect(container.envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }]);
    expect(container.env).toEqual([
      {
        name: 'KEYCLOAK_ADMIN_CLIENT_SECRET',
        valueFrom: {
          secretKeyRef: {
            name: 'garden-val-du-doubs-worker-secrets',
            key: 'KEYCLOAK_ADMIN_CLIENT_SECRET',
            optional: false,
          },
        },
      },
    ]);
    expect(objects.some((object) => (object.kind as string) === 'Secret')).toBe(false);
    expect(deployment.metadata.annotations).toEqual({ 'cocagne/task-queue': 'garden-val-du-doubs' });
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(only(objects, 'PodDisruptionBudget').spec.selector).toEqual(deployment.spec.selector);
  });

  it('bounds the namespace: quota for the replicas and one rolling-update pod, limits by default', () => {
    const objects = gardenDeployment(settings({ replicas: 2 }));
    const quota = only(objects, 'ResourceQuota');
    const { requestCpuMillis, requestMemoryMiB, limitCpuMillis, limitMemoryMiB } = defaultWorkerResources;
    expect(quota.spec.hard).toMatchObject({
      pods: '3',
      'requests.cpu': `${requestCpuMillis * 3}m`,
      'requests.memory': `${requestMemoryMiB * 3}Mi`,
      'limits.cpu': `${limitCpuMillis * 3}m`,
      'limits.memory': `${limitMemoryMiB * 3}Mi`,
      'services.loadbalancers': '0',
      'services.nodeports': '0',
      persistentvolumeclaims: '0',
    });
    const [limit] = only(objects, 'LimitRange').spec.limits;
    expect(limit?.max).toEqual({ cpu: `${limitCpuMillis}m`, memory: `${limitMemoryMiB}Mi` });
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].resources.limits).toMatchObject(limit?.max ?? {});
  });

  it('refuses every incoming connection and lets out only DNS and the named services', () => {
    const policy = only(gardenDeployment(settings()), 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({});
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    // No ingress rule at all (an empty list is stored as none, and would change at every apply).
    expect(policy.spec).not.toHaveProperty('ingress');
    expect(policy.metadata.annotations).toEqual({ 'cocagne/egress': 'dns,temporal,aws,keycloak' });
    expect(policy.spec.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'temporal' } } }],
        ports: [{ protocol: 'TCP', port: 7233 }],
      },
      { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keycloak' } },
            podSelector: { matchLabels: { app: 'keycloak' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('refuses an egress rule without destination or port, which Kubernetes reads as "anywhere"', () => {
    const open = settings();
    open.egress = { ...open.egress, aws: { to: [], ports: [{ port: 443 }] } };
    expect(refusal(() => gardenDeployment(open)).field).toBe('egress.aws');
    open.egress = { ...open.egress, aws: { to: [{ cidr: '10.0.0.0/33' }], ports: [{ port: 443 }] } };
    expect(refusal(() => gardenDeployment(open)).message).toContain('not a CIDR block');
  });

  it('refuses a destination or a secret key named twice', () => {
    const twice = settings();
    twice.egress = { ...twice.egress, others: { dns: twice.egress.aws } };
    expect(refusal(() => gardenDeployment(twice)).field).toBe('egress');
    twice.egress = { ...twice.egress, others: { __proto__: twice.egress.aws } };
    expect(gardenDeployment(twice)).toHaveLength(8);
    const hostile = settings();
    hostile.egress = {
      ...hostile.egress,
      others: JSON.parse('{"__proto__":{"to":[],"ports":[]}}') as Record<string, never>,
    };
    expect(refusal(() => gardenDeployment(hostile)).field).toBe('egress');
    expect(
      refusal(() =>
        gardenDeployment(settings({ secret: { keys: ['STRIPE_SECRET_KEY', 'STRIPE_SECRET_KEY'] } })),
      ).field,
    ).toBe('secret.keys');
  });

  it('probes the worker on its health port, and gives it no privilege', () => {
    const deployment = only(gardenDeployment(settings()), 'Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(container.ports).toEqual([{ name: 'health', containerPort: workerHealthPort, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/livez', port: 'health' });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it('adds a Service and an Ingress only when the garden has its own host name', () => {
    const objects = gardenDeployment(
      settings({
        site: {
          hostName: 'paniers.jardins-du-doubs.fr',
          apiHost: 'cocagne-api.cocagne.svc.cluster.local',
          apiPort: 8080,
          ingressClassName: 'nginx',
          tlsSecretName: 'paniers-tls',
        },
      }),
    );
    expect(objects.map((object) => object.kind).slice(-2)).toEqual(['Service', 'Ingress']);
    const service = only(objects, 'Service');
    expect(service.spec).toEqual({
      type: 'ExternalName',
      externalName: 'cocagne-api.cocagne.svc.cluster.local',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const ingress = only(objects, 'Ingress');
    expect(ingress.spec.rules[0]?.host).toBe('paniers.jardins-du-doubs.fr');
    expect(ingress.spec.rules[0]?.http.paths[0]?.backend.service.name).toBe(service.metadata.name);
    expect(ingress.spec.tls).toEqual([{ hosts: ['paniers.jardins-du-doubs.fr'], secretName: 'paniers-tls' }]);

    for (const hostName of ['Paniers.example.fr', 'localhost', '<b>x</b>.fr', 'a..fr', '*.example.fr'])
      expect(
        refusal(() =>
          gardenDeployment(
            settings({ site: { hostName, apiHost: 'api', apiPort: 80, ingressClassName: 'nginx' } }),
          ),
        ).field,
      ).toBe('site.hostName');
  });

  it('leaves a host served by CloudFront to it: no Service nor Ingress, the host still checked', () => {
    const withoutHost = gardenDeployment(settings());
    const served = gardenDeployment(
      settings({ site: { via: 'cloudfront', hostName: 'paniers.jardins-du-doubs.fr' } }),
    );
    expect(served).toEqual(withoutHost);
    expect(
      refusal(() => gardenDeployment(settings({ site: { via: 'cloudfront', hostName: 'paniers' } }))).field,
    ).toBe('site.hostName');
  });

  it('serves the host through the ALB by the API target group, with no Service', () => {
    const apiTargetGroupArn =
      'arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/cocagne-api/0123456789abcdef';
    const webTargetGroupArn =
      'arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/cocagne-web/fedcba9876543210';
    const site = {
      via: 'alb-target-group' as const,
      hostName: 'paniers.jardins-du-doubs.fr',
      ingressClassName: 'alb',
      groupName: 'cocagne',
      apiTargetGroupArn,
      webTargetGroupArn,
    };
    const objects = gardenDeployment(settings({ site }));
    expect(objects.map((object) => object.kind).slice(-2)).toEqual(['PodDisruptionBudget', 'Ingress']);
    const ingress = only(objects, 'Ingress');
    const annotations = ingress.metadata.annotations ?? {};
    expect(annotations['alb.ingress.kubernetes.io/group.name']).toBe('cocagne');
    for (const [action, arn] of [
      [albActions.api, apiTargetGroupArn],
      [albActions.web, webTargetGroupArn],
    ])
      expect(JSON.parse(annotations[`alb.ingress.kubernetes.io/actions.${action}`] ?? '')).toEqual({
        type: 'forward',
        forwardConfig: { targetGroups: [{ targetGroupARN: arn }] },
      });
    expect(annotations).not.toHaveProperty('alb.ingress.kubernetes.io/certificate-arn');
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.spec.tls).toEqual([{ hosts: ['paniers.jardins-du-doubs.fr'] }]);
    expect(ingress.spec.rules).toEqual([
      {
        host: 'paniers.jardins-du-doubs.fr',
        http: {
          paths: [
            ['/api', albActions.api],
            ['/docs', albActions.api],
            ['/', albActions.web],
          ].map(([path, action]) => ({
            path,
            pathType: 'Prefix',
            backend: { service: { name: action, port: { name: 'use-annotation' } } },
          })),
        },
      },
    ]);

    const certificateArn =
      'arn:aws:acm:eu-west-3:123456789012:certificate/12345678-90ab-cdef-1234-567890abcdef';
    const withCertificate = only(
      gardenDeployment(settings({ site: { ...site, certificateArn } })),
      'Ingress',
    );
    expect(withCertificate.metadata.annotations?.['alb.ingress.kubernetes.io/certificate-arn']).toBe(
      certificateArn,
    );

    const refused: [Partial<typeof site> & { certificateArn?: string }, string][] = [
      [{ apiTargetGroupArn: 'arn:aws:iam::123456789012:role/x' }, 'site.apiTargetGroupArn'],
      [{ webTargetGroupArn: `${webTargetGroupArn}"}]}` }, 'site.webTargetGroupArn'],
      [{ groupName: 'Cocagne Group' }, 'site.groupName'],
      [{ certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/<b>' }, 'site.certificateArn'],
      [{ hostName: '*.example.fr' }, 'site.hostName'],
    ];
    for (const [change, field] of refused)
      expect(refusal(() => gardenDeployment(settings({ site: { ...site, ...change } }))).field).toBe(field);
  });

  it('refuses, in words, slugs that cannot name Kubernetes objects', () => {
    const hostile = [
      '__proto__',
      'constructor',
      'toString',
      'a'.repeat(70),
      'a'.repeat(maxDeployableSlugLength + 1),
      'Val-Du-Doubs',
      '<script>alert(1)</script>',
      'jardin<b>',
      '-jardin',
      'jardin-',
      'val--doubs',
      'ab',
      '',
      'vallée',
      'val du doubs',
      'val.doubs',
    ];
    for (const gardenId of hostile) {
      const error = refusal(() => gardenDeployment(settings({ gardenId })));
      expect(error.code).toBe('invalid_input');
      expect(error.field).toBe('gardenId');
      expect(error.messages.fr).toContain('ne peut pas nommer son espace Kubernetes');
      expect(error.messages.en).toContain('cannot name its Kubernetes namespace');
    }
    expect(refusal(() => requireDeployableSlug('a'.repeat(70))).message).toContain('(this one has 70)');
    expect(refusal(() => requireDeployableSlug('Val-Du-Doubs')).message).toContain('lower case only');
    // Quoted and cut short, so that an error shown anywhere is text, not markup.
    expect(refusal(() => requireDeployableSlug('<script>alert(1)</script>')).message).toContain(
      '"<script>alert(1)</script>"',
    );
    expect(refusal(() => requireDeployableSlug('a'.repeat(200))).message).not.toContain('a'.repeat(71));
  });

  it('refuses an image that is not pinned by digest', () => {
    for (const tag of [
      'registry.example.org/cocagne/worker:latest',
      'worker',
      `worker@sha256:${'a'.repeat(63)}`,
    ])
      expect(refusal(() => gardenDeployment(settings({ image: tag }))).field).toBe('image');
    // A tag beside the digest (as kustomize writes it) is kept: the digest is what is pulled.
    const tagged = `registry.example.org/cocagne/worker:1.4.0-rc.1@sha256:${'a1'.repeat(32)}`;
    expect(isDigestPinned(tagged)).toBe(true);
    expect(() => gardenDeployment(settings({ image: tagged }))).not.toThrow();
  });

  it('keeps secrets and the deployment’s own settings out of the ConfigMap', () => {
    for (const key of [
      'STRIPE_SECRET_KEY',
      'TEMPORAL_API_KEY',
      'KEYCLOAK_ADMIN_PASSWORD',
      'WORKER_GARDENS',
      'TEMPORAL_ADDRESS',
      'WORKER_HEALTH_HOST',
      'WORKER_MAX_CACHED_WORKFLOWS',
    ])
      expect(refusal(() => gardenDeployment(settings({ environment: { [key]: 'x' } }))).field).toBe(
        'environment',
      );
    expect(refusal(() => gardenDeployment(settings({ environment: { 'not a name': 'x' } }))).field).toBe(
      'environment',
    );
    expect(refusal(() => gardenDeployment(settings({ secret: { keys: ['WORKER_GARDENS'] } }))).field).toBe(
      'secret.keys',
    );
    // A key spelled like an inherited property is an ordinary key of its own.
    const config = only(
      gardenDeployment(settings({ environment: JSON.parse('{"__proto__":"x"}') as Record<string, string> })),
      'ConfigMap',
    );
    expect(Object.hasOwn(config.data, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(config.data)).toBe(Object.prototype);
  });

  it('refuses replicas and resources out of bounds', () => {
    expect(refusal(() => gardenDeployment(settings({ replicas: 0 }))).field).toBe('replicas');
    expect(refusal(() => gardenDeployment(settings({ replicas: 1.5 }))).field).toBe('replicas');
    expect(
      refusal(() =>
        gardenDeployment(settings({ resources: { ...defaultWorkerResources, requestCpuMillis: 5000 } })),
      ).field,
    ).toBe('resources');
  });

  it('sizes the workflow cache from the pod’s memory limit, and refuses a pod too small for a worker', () => {
    // 80 % of the limit, less the process's own 340 MiB, at 1.25 MiB a cached workflow.
    expect(workflowCacheFor({ limitMemoryMiB: 1536 })).toBe(711);
    expect(workflowCacheFor({ limitMemoryMiB: 2432 })).toBe(1284);
    expect(memoryLimitFor(1250)).toBe(2432);
    // The limit a garden's open workflows need, rounded up to 64 MiB, gives a cache that holds them.
    for (const workflows of [100, 500, 1000, 1250, 5000]) {
      expect(memoryLimitFor(workflows) % 64).toBe(0);
      expect(workflowCacheFor({ limitMemoryMiB: memoryLimitFor(workflows) })).toBeGreaterThanOrEqual(
        workflows,
      );
      expect(workflowCacheFor({ limitMemoryMiB: memoryLimitFor(workflows) - 64 })).toBeLessThan(workflows);
    }
    const small = { ...defaultWorkerResources, requestMemoryMiB: 256, limitMemoryMiB: 512 };
    const error = refusal(() => gardenDeployment(settings({ resources: small })));
    expect(error.field).toBe('resources');
    expect(error.message).toContain(`${memoryLimitFor(minimumCachedWorkflows)}`);
    const config = only(
      gardenDeployment(
        settings({ resources: { ...small, limitMemoryMiB: memoryLimitFor(minimumCachedWorkflows) } }),
      ),
      'ConfigMap',
    );
    expect(Number(config.data.WORKER_MAX_CACHED_WORKFLOWS)).toBeGreaterThanOrEqual(minimumCachedWorkflows);
  });

  it('takes the AWS role on the ServiceAccount (IRSA) rather than keys', () => {
    const role = 'arn:aws:iam::123456789012:role/cocagne-garden-val-du-doubs';
    const account = only(gardenDeployment(settings({ awsRoleArn: role })), 'ServiceAccount');
    expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': role });
    expect(account.automountServiceAccountToken).toBe(false);
    expect(refusal(() => gardenDeployment(settings({ awsRoleArn: 'arn:aws:iam::1:user/x' }))).field).toBe(
      'awsRoleArn',
    );
  });

  it('names the registry’s pull secret on the ServiceAccount when the profile gives one, and none otherwise', () => {
    const account = only(gardenDeployment(settings({ imagePullSecret: 'nexus-pull' })), 'ServiceAccount');
    expect(account.imagePullSecrets).toEqual([{ name: 'nexus-pull' }]);
    // The pods take it from their ServiceAccount: the Deployment names only the account.
    const worker = only(gardenDeployment(settings({ imagePullSecret: 'nexus-pull' })), 'Deployment');
    expect(worker.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
    expect(worker.spec.template.spec).not.toHaveProperty('imagePullSecrets');
    // A public image (the local stack's profile): no field at all, not an empty list.
    expect(only(gardenDeployment(settings()), 'ServiceAccount')).not.toHaveProperty('imagePullSecrets');
    for (const name of ['', 'Nexus_Pull', 'nexus pull', `${'a'.repeat(254)}`])
      expect(refusal(() => gardenDeployment(settings({ imagePullSecret: name }))).field, name).toBe(
        'imagePullSecret',
      );
  });

  it('is a function of its settings: the same settings give the same objects', () => {
    expect(gardenDeployment(settings())).toEqual(gardenDeployment(settings()));
  });
});

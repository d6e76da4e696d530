/**
 * What the provisioning workflow may do on the cluster, and no more: the ClusterRole that
 * `adapters/kubernetes/garden-cluster.ts` needs to apply, watch, describe and remove a garden's
 * objects (`domain/garden-deployment.ts`), bound to the provisioner's identity. The YAML beside
 * this file is rendered from it:
 *
 *   node infra/k8s/provisioner-rbac.ts > infra/k8s/provisioner-rbac.yaml
 *
 * A ClusterRole, as each garden has its own namespace, made by the workflow itself. It holds no
 * right on Secrets, Pods, RBAC objects or anything outside the kinds a garden is made of.
 */
import { fileURLToPath } from 'node:url';
import { yamlDocuments, type Json } from './garden-yaml.ts';

export const provisionerName = 'cocagne-provisioner';

/** The kinds of a garden's objects, as RBAC names them (API group and plural resource). */
export const gardenResources = {
  Namespace: { apiGroup: '', resource: 'namespaces' },
  ResourceQuota: { apiGroup: '', resource: 'resourcequotas' },
  LimitRange: { apiGroup: '', resource: 'limitranges' },
  NetworkPolicy: { apiGroup: 'networking.k8s.io', resource: 'networkpolicies' },
  ServiceAccount: { apiGroup: '', resource: 'serviceaccounts' },
  ConfigMap: { apiGroup: '', resource: 'configmaps' },
  Deployment: { apiGroup: 'apps', resource: 'deployments' },
  PodDisruptionBudget: { apiGroup: 'policy', resource: 'poddisruptionbudgets' },
  Service: { apiGroup: '', resource: 'services' },
  Ingress: { apiGroup: 'networking.k8s.io', resource: 'ingresses' },
} as const;

/**
 * Server-side apply is a `patch` (which creates the object when absent); `create` is there for
 * clients that create first. `get` for reading back and describing, `list` for tools that look
 * a garden up by label, `delete` for compensation and retirement.
 */
const objectVerbs = ['get', 'list', 'create', 'patch', 'delete'];

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function rules(): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const { apiGroup, resource } of Object.values(gardenResources))
    byGroup.set(apiGroup, [...(byGroup.get(apiGroup) ?? []), resource]);
  return [
    ...[...byGroup].map(([apiGroup, resources]) => ({
      apiGroups: [apiGroup],
      resources: [...resources].sort(),
      verbs: objectVerbs,
    })),
    // Waiting for the worker reads the Deployment (its status comes with it); the status
    // subresource is named too, for clients that read it alone. Never written: controllers do.
    { apiGroups: ['apps'], resources: ['deployments/status'], verbs: ['get'] },
    // "No node, no pod will ever run" is said at once rather than waited for (the local stack).
    { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
  ];
}

export interface ProvisionerRbacOptions {
  /** Where the provisioner's ServiceAccount lives in production (the application's namespace). */
  serviceAccountNamespace?: string;
}

const labels = {
  'app.kubernetes.io/name': 'cocagne',
  'app.kubernetes.io/part-of': 'cocagne',
  'app.kubernetes.io/component': 'provisioner',
};

/** The ClusterRole and its ClusterRoleBinding, in the order they are applied. */
export function provisionerRbac({ serviceAccountNamespace = 'cocagne' }: ProvisionerRbacOptions = {}) {
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: provisionerName, labels },
    rules: rules(),
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: provisionerName, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: provisionerName },
    subjects: [
      // The application's pods in production (API and worker), by their ServiceAccount…
      { kind: 'ServiceAccount', name: provisionerName, namespace: serviceAccountNamespace },
      // …and the user of a static or OIDC token (the local stack's token file).
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: provisionerName },
    ],
  };
  return [role, binding] as const;
}

export function renderProvisionerRbacYaml(options?: ProvisionerRbacOptions): string {
  return (
    "# The provisioner's role: rendered by infra/k8s/provisioner-rbac.ts. Do not edit: change it and render again.\n" +
    yamlDocuments([...provisionerRbac(options)] as unknown as Json[])
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(renderProvisionerRbacYaml());

/**
 * What the provisioning workflow may do on the cluster, and no more: the ClusterRole that
 * `adapters/kubernetes/garden-cluster.ts` needs to apply, watch, describe and remove a garden's
 * objects (`domain/garden-deployment.ts`), bound to the provisioner's identity. The YAML beside
 * this file is rendered from it:
 *
 *   node infra/k8s/provisioner-rbac.ts > infra/k8s/provisioner-rbac.yaml
 *
 * A ClusterRole, as each garden has its own namespace, made by the workflow itself. RBAC cannot
 * say "only in namespaces named garden-…", so the role alone would let its holder write these
 * kinds anywhere (a Deployment in kube-system under a privileged ServiceAccount, or delete any
 * namespace). A ValidatingAdmissionPolicy, in the same file, confines its writes to the gardens'
 * namespaces, those the provisioner made. Reads (get, list) go through no admission: the role
 * still reads these kinds cluster-wide. It holds no right on Secrets, Pods or RBAC objects.
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

/**
 * The labels by which a namespace is a garden's, made by the provisioner: those the Namespace of
 * `gardenDeployment` carries (provisioner-rbac.test.ts checks it), its name `garden-<garden>`.
 */
export const managedByLabel = { key: 'app.kubernetes.io/managed-by', value: 'cocagne-provisioning' };
export const gardenLabel = 'cocagne/garden';
export const gardenNamespacePrefix = 'garden-';
export const policyName = 'cocagne-provisioner-gardens-only';

/** CEL: whether `labels` (an expression for a labels map that may be absent) say "made by us". */
function managedBy(metadata: string): string {
  const { key, value } = managedByLabel;
  return `has(${metadata}.labels) && '${key}' in ${metadata}.labels && ${metadata}.labels['${key}'] == '${value}'`;
}

/** CEL: whether a Namespace (`object` or `oldObject`) is a garden's, made by the provisioner. */
function gardenNamespace(object: string): string {
  return (
    `${managedBy(`${object}.metadata`)} && '${gardenLabel}' in ${object}.metadata.labels && ` +
    `${object}.metadata.name == '${gardenNamespacePrefix}' + ${object}.metadata.labels['${gardenLabel}']`
  );
}

/**
 * What the provisioner may write, whatever its role says: namespaced objects only in a garden's
 * namespace that it made; Namespaces only a garden's, labelled as made by it, and only those it
 * made may be changed or deleted (no taking over a namespace that happens to be named garden-…).
 * Denials answer 403 Forbidden (422 Invalid unless told) with the message, after
 * `ValidatingAdmissionPolicy '…' with binding '…' denied request: `.
 */
function admissionPolicy(usernames: string[]) {
  const byGroup = new Map<string, string[]>();
  for (const { apiGroup, resource } of Object.values(gardenResources))
    byGroup.set(apiGroup, [...(byGroup.get(apiGroup) ?? []), resource]);
  const { key, value } = managedByLabel;
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: policyName, labels },
    spec: {
      // Should the policy fail to evaluate, the request is refused rather than let through.
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [...byGroup].map(([apiGroup, resources]) => ({
          apiGroups: [apiGroup],
          apiVersions: ['*'],
          operations: ['CREATE', 'UPDATE', 'DELETE'],
          resources: [...resources].sort(),
        })),
      },
      matchConditions: [
        {
          name: 'by-the-provisioner',
          expression: `request.userInfo.username in [${usernames.map((name) => `'${name}'`).join(', ')}]`,
        },
      ],
      variables: [
        {
          name: 'isNamespace',
          expression: "request.resource.group == '' && request.resource.resource == 'namespaces'",
        },
        {
          name: 'inManagedNamespace',
          expression: `namespaceObject != null && ${managedBy('namespaceObject.metadata')}`,
        },
        {
          name: 'newIsGarden',
          expression: `request.operation == 'DELETE' || (${gardenNamespace('object')})`,
        },
        {
          name: 'oldIsGarden',
          expression: `request.operation == 'CREATE' || (${gardenNamespace('oldObject')})`,
        },
      ],
      validations: [
        {
          expression: `variables.isNamespace || request.namespace.startsWith('${gardenNamespacePrefix}')`,
          messageExpression: `'the provisioner may write only in a garden namespace (${gardenNamespacePrefix}...), not in namespace ' + request.namespace`,
          message: 'the provisioner may write only in a garden namespace',
          reason: 'Forbidden',
        },
        {
          expression: 'variables.isNamespace || variables.inManagedNamespace',
          messageExpression: `'the provisioner may write only in the namespaces it made: ' + request.namespace + ' lacks the label ${key}=${value}'`,
          message: 'the provisioner may write only in the namespaces it made',
          reason: 'Forbidden',
        },
        {
          expression: `!variables.isNamespace || request.name.startsWith('${gardenNamespacePrefix}')`,
          messageExpression: `'the provisioner may make or delete only a garden namespace (${gardenNamespacePrefix}...), not ' + request.name`,
          message: 'the provisioner may make or delete only a garden namespace',
          reason: 'Forbidden',
        },
        {
          expression: '!variables.isNamespace || variables.oldIsGarden',
          messageExpression: `'the provisioner may change or delete only the namespaces it made: ' + request.name + ' lacks the labels ${key}=${value} and ${gardenLabel}=<garden>'`,
          message: 'the provisioner may change or delete only the namespaces it made',
          reason: 'Forbidden',
        },
        {
          expression: '!variables.isNamespace || variables.newIsGarden',
          messageExpression: `'a namespace the provisioner writes carries the labels ${key}=${value} and ${gardenLabel}=<garden>, its name ${gardenNamespacePrefix}<garden>: ' + request.name + ' does not'`,
          message: 'a namespace the provisioner writes carries its labels',
          reason: 'Forbidden',
        },
      ],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: policyName, labels },
    spec: { policyName, validationActions: ['Deny'] },
  };
  return [policy, binding] as const;
}

/**
 * The ClusterRole and its ClusterRoleBinding, then the admission policy that confines them to the
 * gardens' namespaces and its binding, in the order they are applied.
 */
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
  // The names the API server gives the binding's subjects in a request's userInfo.
  const usernames = binding.subjects.map((subject) =>
    subject.kind === 'ServiceAccount'
      ? `system:serviceaccount:${subject.namespace}:${subject.name}`
      : subject.name,
  );
  return [role, binding, ...admissionPolicy(usernames)] as const;
}

export function renderProvisionerRbacYaml(options?: ProvisionerRbacOptions): string {
  return (
    "# The provisioner's role: rendered by infra/k8s/provisioner-rbac.ts. Do not edit: change it and render again.\n" +
    yamlDocuments([...provisionerRbac(options)] as unknown as Json[])
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(renderProvisionerRbacYaml());

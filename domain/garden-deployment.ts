/**
 * What a garden's deployment is on Kubernetes, as one pure function of its settings: the
 * provisioning workflow applies this list (server-side apply, in order), and
 * `infra/k8s/render-garden.ts` writes the same list as YAML for GitOps. Nothing else says what
 * a garden's namespace holds.
 *
 * Each garden gets its own namespace, so that one garden's worker (and the extensions it runs)
 * cannot take another's CPU, memory or network: a ResourceQuota and LimitRange bound it, a
 * NetworkPolicy refuses every incoming connection and lets out only what the worker needs.
 *
 * The objects are plain typed objects (the subset of the Kubernetes API we write), not the
 * classes of `@kubernetes/client-node`, so that this file stays pure and the types do not
 * depend on a client library's version.
 */
import { CocagneError } from './errors.ts';
import { gardenTaskQueue } from './garden.ts';
import { isGardenId, isReservedId } from './ids.ts';

// ---- Settings ----

/** Where one egress rule lets the worker go: addresses, or pods of a namespace in the cluster. */
export type EgressPeer =
  | { cidr: string; except?: readonly string[] }
  | { namespace: string; podLabels?: Readonly<Record<string, string>> };

export interface EgressPort {
  port: number;
  protocol?: 'TCP' | 'UDP';
}

/** One service the worker calls, and how the network reaches it. */
export interface EgressDestination {
  to: readonly EgressPeer[];
  ports: readonly EgressPort[];
}

export interface GardenDeploymentSettings {
  /** The garden's slug (`Garden.id`): every name below is made from it. */
  gardenId: string;
  /** The worker's image, pinned by digest (`registry/name@sha256:…`): a tag can move. */
  image: string;
  /** The worker's command; the image's own when absent. */
  command?: readonly string[];
  /** Worker pods; a Temporal worker may be briefly absent (tasks wait in the queue). Default 1. */
  replicas?: number;
  /** Per worker container. Defaults in `defaultWorkerResources`. */
  resources?: WorkerResources;
  temporal: { address: string; namespace: string; tls?: boolean };
  /**
   * The worker's other settings that are not secret (AWS_REGION, DYNAMODB_TABLE_PREFIX,
   * S3_BUCKET, MAIL_FROM, PUBLIC_URL, KEYCLOAK_ADMIN_URL, VROOM_URL…): they go to the ConfigMap.
   */
  environment?: Readonly<Record<string, string>>;
  /**
   * The Secret the worker reads its credentials from (TEMPORAL_API_KEY,
   * KEYCLOAK_ADMIN_CLIENT_SECRET, STRIPE_SECRET_KEY…). It is made elsewhere (External Secrets,
   * Sealed Secrets, the provisioning workflow from AWS Secrets Manager); here it is only named,
   * key by key, and never holds a value.
   */
  secret?: { name?: string; keys: readonly string[] };
  /** The IAM role the worker's ServiceAccount takes on EKS (IRSA): AWS credentials without a secret. */
  awsRoleArn?: string;
  /**
   * The Secret (`kubernetes.io/dockerconfigjson`) the kubelet pulls the image with, from a private
   * registry: named on the garden's ServiceAccount, made in the garden's namespace elsewhere
   * (External Secrets in production: infra/k8s/base/external-secrets.yaml). None for a public image.
   */
  imagePullSecret?: string;
  /** The services the worker calls (DNS is added: the cluster's kube-dns). */
  egress: {
    temporal: EgressDestination;
    /** DynamoDB, S3, SES, SNS: VPC endpoints (or their prefix lists' CIDRs) on 443. */
    aws: EgressDestination;
    keycloak: EgressDestination;
    /** Anything else, by name: Stripe, VROOM, Circuit, the geocoder… */
    others?: Readonly<Record<string, EgressDestination>>;
  };
  /** Only when the garden has its own host name: a Service and an Ingress for it. */
  site?: GardenSite;
}

/**
 * A garden's own host name, served by the shared API and web app. Three ways: `service` (the
 * default) for an Ingress controller that follows an `ExternalName` Service (ingress-nginx, the
 * local stack); `alb-target-group` for the AWS Load Balancer Controller, which does not;
 * `cloudfront` when a CDN in front of the cluster serves the host and reaches the platform under
 * the platform's own name (production on AWS: infra/aws, a distribution per garden host), so the
 * cluster needs nothing for it (infra/k8s/README.md, "Hosts").
 */
export type GardenSite = GardenSiteByService | GardenSiteByTargetGroup | GardenSiteByCloudFront;

/** Served before the cluster (a CloudFront distribution of its own): no object for the host. */
export interface GardenSiteByCloudFront {
  via: 'cloudfront';
  hostName: string;
}

export interface GardenSiteByService {
  via?: 'service';
  hostName: string;
  /** The shared API's Service, as a cluster DNS name (`cocagne-api.cocagne.svc.cluster.local`). */
  apiHost: string;
  apiPort: number;
  ingressClassName: string;
  /** The TLS certificate's Secret in the garden's namespace (cert-manager, or made elsewhere). */
  tlsSecretName?: string;
}

/**
 * The garden's Ingress joins the platform's IngressGroup, so its host becomes one more rule of
 * the shared ALB's HTTPS listener, forwarding to the API's and the web app's target groups (made
 * by the AWS stack, their targets the pods through TargetGroupBindings): the ALB forwards across
 * namespaces by target group, never by Service.
 */
export interface GardenSiteByTargetGroup {
  via: 'alb-target-group';
  hostName: string;
  /** The IngressClass of the AWS Load Balancer Controller (`alb`). */
  ingressClassName: string;
  /** The platform Ingress's `alb.ingress.kubernetes.io/group.name`. */
  groupName: string;
  /** The API's target group (`arn:aws:elasticloadbalancing:…:targetgroup/…`): `/api`, `/docs`. */
  apiTargetGroupArn: string;
  /** The web app's target group (its static build): every other path. */
  webTargetGroupArn: string;
  /**
   * An ACM certificate for the host; absent, the controller finds an issued ACM certificate
   * matching the host itself (certificate discovery).
   */
  certificateArn?: string;
}

/** How gardens with their own host name are served: a site without the name (profiles hold this). */
export type GardenSiteDefaults = GardenSite extends infer Site
  ? Site extends GardenSite
    ? Omit<Site, 'hostName'>
    : never
  : never;

/**
 * What every garden's deployment shares: its settings without the garden, and without a host
 * name (a garden's own, given when it is created; `site` says how such a garden is served).
 * The provisioning workflow's cluster (adapters/kubernetes) and the GitOps renderings
 * (infra/k8s/gardens) both make a garden's settings from it with `gardenSettings`.
 */
export type GardenDeploymentProfile = Omit<GardenDeploymentSettings, 'gardenId' | 'site'> & {
  site?: GardenSiteDefaults;
};

/** One garden's settings: the profile's, its slug, and its own host name when it has one. */
export function gardenSettings(
  profile: GardenDeploymentProfile,
  gardenId: string,
  hostName?: string,
): GardenDeploymentSettings {
  const { site, ...shared } = profile;
  return { ...shared, gardenId, ...(hostName && site ? { site: { ...site, hostName } } : {}) };
}

export interface WorkerResources {
  requestCpuMillis: number;
  requestMemoryMiB: number;
  limitCpuMillis: number;
  limitMemoryMiB: number;
}

/**
 * A Node process running every workflow of one garden, with its bundle and extensions loaded:
 * sized for a garden of about 500 households (its cache holds 711 workflows, below). A garden
 * of 1,000 households (about 1,250 open subscriptions and collections) wants a profile with
 * `limitMemoryMiB` 2,432 (`memoryLimitFor(1250)`, cache 1,284).
 */
export const defaultWorkerResources: WorkerResources = {
  requestCpuMillis: 250,
  requestMemoryMiB: 768,
  limitCpuMillis: 1000,
  limitMemoryMiB: 1536,
};

/**
 * The worker's sizing rule (bench/README.md, « Worker capacity »): the process takes
 * `workerBaselineMiB` before any workflow is cached (342 MiB measured, idle, with the prebuilt
 * bundle), and each cached workflow about 1.1 MB (measured), counted 1.25 MiB; the cache gets what is left of 80 % of the pod's memory limit,
 * the rest kept for the garbage collector and the bursts (a settings change wakes every
 * subscription at once). A workflow not in the cache is replayed from its history when it wakes:
 * a garden should have all its open subscriptions and collections cached.
 */
export const workerBaselineMiB = 340;
export const cachedWorkflowMiB = 1.25;
/** Below this, a worker would replay most of its workflows at every wake-up: refused. */
export const minimumCachedWorkflows = 100;

/** How many workflows a garden's worker caches (`WORKER_MAX_CACHED_WORKFLOWS`) in a pod of these resources. */
export function workflowCacheFor(resources: Pick<WorkerResources, 'limitMemoryMiB'>): number {
  return Math.floor((resources.limitMemoryMiB * 0.8 - workerBaselineMiB) / cachedWorkflowMiB);
}

/** The memory limit whose cache holds `workflows` (a garden's open subscriptions and collections). */
export function memoryLimitFor(workflows: number): number {
  return Math.ceil((workflows * cachedWorkflowMiB + workerBaselineMiB) / 0.8 / 64) * 64;
}

/**
 * The port where the worker answers `/livez` and `/readyz` (`temporal/worker-health.ts`), on
 * every address of the pod (`WORKER_HEALTH_HOST=0.0.0.0`): the kubelet probes the pod's IP.
 */
export const workerHealthPort = 8081;

// ---- The Kubernetes objects (the fields we write) ----

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

interface LabelSelector {
  matchLabels: Record<string, string>;
}

export interface Namespace {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
}

export interface ResourceQuota {
  apiVersion: 'v1';
  kind: 'ResourceQuota';
  metadata: ObjectMeta;
  spec: { hard: Record<string, string> };
}

export interface LimitRange {
  apiVersion: 'v1';
  kind: 'LimitRange';
  metadata: ObjectMeta;
  spec: {
    limits: {
      type: 'Container';
      default: Record<string, string>;
      defaultRequest: Record<string, string>;
      max: Record<string, string>;
    }[];
  };
}

interface NetworkPolicyPeer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
}

export interface NetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: ObjectMeta;
  spec: {
    podSelector: Record<string, never>;
    /**
     * No `ingress` list: with `Ingress` among the policy types, none lets nothing in. An empty
     * list would mean the same, but the API server stores it as absent, so server-side apply
     * would see a change, and raise the generation, at every apply.
     */
    policyTypes: ['Ingress', 'Egress'];
    egress: { to: NetworkPolicyPeer[]; ports: { protocol: 'TCP' | 'UDP'; port: number }[] }[];
  };
}

export interface ServiceAccount {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  metadata: ObjectMeta;
  automountServiceAccountToken: false;
  imagePullSecrets?: { name: string }[];
}

export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data: Record<string, string>;
}

interface Probe {
  httpGet: { path: string; port: string };
  periodSeconds: number;
  failureThreshold: number;
  timeoutSeconds: number;
  initialDelaySeconds?: number;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  envFrom: { configMapRef: { name: string } }[];
  env: { name: string; valueFrom: { secretKeyRef: { name: string; key: string; optional: false } } }[];
  ports: { name: string; containerPort: number; protocol: 'TCP' }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  securityContext: {
    allowPrivilegeEscalation: false;
    readOnlyRootFilesystem: true;
    runAsNonRoot: true;
    capabilities: { drop: ['ALL'] };
  };
  volumeMounts: { name: string; mountPath: string }[];
}

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: LabelSelector;
    strategy: { type: 'RollingUpdate'; rollingUpdate: { maxSurge: number; maxUnavailable: number } };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken: false;
        terminationGracePeriodSeconds: number;
        securityContext: {
          runAsNonRoot: true;
          runAsUser: number;
          runAsGroup: number;
          seccompProfile: { type: 'RuntimeDefault' };
        };
        containers: [Container];
        volumes: { name: string; emptyDir: { sizeLimit: string } }[];
      };
    };
  };
}

export interface PodDisruptionBudget {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec: { maxUnavailable: number; selector: LabelSelector };
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: {
    type: 'ExternalName';
    externalName: string;
    ports: { name: string; port: number; protocol: 'TCP' }[];
  };
}

export interface Ingress {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'Ingress';
  metadata: ObjectMeta;
  spec: {
    ingressClassName: string;
    /** Without a Secret (ALB): the hosts the controller finds an ACM certificate for. */
    tls?: { hosts: string[]; secretName?: string }[];
    rules: {
      host: string;
      http: {
        paths: {
          path: string;
          pathType: 'Prefix';
          backend: { service: { name: string; port: { name: string } } };
        }[];
      };
    }[];
  };
}

export type GardenKubernetesObject =
  | Namespace
  | ResourceQuota
  | LimitRange
  | NetworkPolicy
  | ServiceAccount
  | ConfigMap
  | Deployment
  | PodDisruptionBudget
  | Service
  | Ingress;

// ---- Names ----

/** The longest suffix added to the garden's base name, so the longest name stays a DNS label. */
const longestSuffix = '-worker-config';
const namePrefix = 'garden-';
/** `Garden.id`'s 40, which fits: 63 (a DNS-1123 label) less the prefix and longest suffix is 42. */
export const maxDeployableSlugLength = Math.min(40, 63 - namePrefix.length - longestSuffix.length);

/** The names of one garden's objects: all valid DNS-1123 labels, starting with a letter. */
export function gardenObjectNames(gardenId: string) {
  requireDeployableSlug(gardenId);
  const base = `${namePrefix}${gardenId}`;
  return {
    namespace: base,
    quota: `${base}-quota`,
    limits: `${base}-limits`,
    networkPolicy: `${base}-network`,
    serviceAccount: `${base}-worker`,
    config: `${base}${longestSuffix}`,
    secret: `${base}-worker-secrets`,
    worker: `${base}-worker`,
    disruptionBudget: `${base}-worker`,
    service: `${base}-site`,
    ingress: `${base}-site`,
  };
}

/** Shown in an error, never as markup: quoted, and cut short. */
const quoted = (value: string) => JSON.stringify(value.length > 70 ? `${value.slice(0, 70)}…` : value);

function slugProblem(slug: string): { fr: string; en: string } | undefined {
  if (slug.length < 3 || slug.length > maxDeployableSlugLength)
    return {
      fr: `de 3 à ${maxDeployableSlugLength} caractères (celui-ci en a ${slug.length})`,
      en: `3 to ${maxDeployableSlugLength} characters (this one has ${slug.length})`,
    };
  if (/[A-Z]/.test(slug)) return { fr: 'en minuscules seulement', en: 'lower case only' };
  if (/[^a-z0-9-]/.test(slug))
    return {
      fr: 'des lettres sans accent, des chiffres et « - » seulement',
      en: 'unaccented letters, digits and "-" only',
    };
  if (slug.startsWith('-') || slug.endsWith('-') || slug.includes('--'))
    return {
      fr: 'des mots joints par un seul « - », sans « - » au début ni à la fin',
      en: 'words joined by single "-", none at either end',
    };
  if (isReservedId(slug) || !isGardenId(slug))
    return { fr: 'un identifiant de jardin valide', en: 'a valid garden id' };
  return undefined;
}

/** Refuses, in words, a slug that cannot make the garden's Kubernetes names. */
export function requireDeployableSlug(slug: string): void {
  const problem = slugProblem(slug);
  if (!problem) return;
  throw new CocagneError(
    'invalid_input',
    {
      fr: `Le nom court du jardin ${quoted(slug)} ne peut pas nommer son espace Kubernetes : il faut ${problem.fr}.`,
      en: `The garden slug ${quoted(slug)} cannot name its Kubernetes namespace: it must be ${problem.en}.`,
    },
    { field: 'gardenId' },
  );
}

// ---- Checks of the other settings ----

function refuse(field: string, fr: string, en: string): never {
  throw new CocagneError('invalid_input', { fr, en }, { field });
}

/**
 * `registry/name@sha256:…`, or `registry/name:tag@sha256:…` as kustomize writes it from a tag and
 * a digest (the digest is what is pulled; the tag only says which release it was).
 */
const digestPinned =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::\w[\w.-]{0,127})?@sha256:[0-9a-f]{64}$/;

/** Whether an image reference is pinned by digest, as a garden's worker image must be. */
export const isDigestPinned = (image: string): boolean => digestPinned.test(image);
const dnsLabel = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const environmentName = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that say a value is a credential: those go to the Secret, never to the ConfigMap. */
const secretLooking = /SECRET|PASSWORD|API_KEY|TOKEN|PRIVATE|CREDENTIAL/i;
const ipv4Cidr =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(?:3[0-2]|[12]?\d)$/;
const ipv6Cidr = /^[0-9a-f:]*:[0-9a-f:]*\/(?:12[0-8]|1[01]\d|[1-9]?\d)$/i;
const iamRole = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => dnsLabel.test(label));
}

function requireCidr(cidr: string, field: string): void {
  if (!ipv4Cidr.test(cidr) && !ipv6Cidr.test(cidr))
    refuse(
      field,
      `${quoted(cidr)} n'est pas un bloc d'adresses (CIDR).`,
      `${quoted(cidr)} is not a CIDR block.`,
    );
}

function requirePositiveInteger(value: number, field: string, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max)
    refuse(field, `${field} : un entier de 1 à ${max}.`, `${field}: an integer from 1 to ${max}.`);
}

function requireLabels(labels: Readonly<Record<string, string>>, field: string): void {
  for (const [key, value] of Object.entries(labels)) {
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : undefined;
    const labelPart = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)$/;
    if (
      !labelPart.test(name) ||
      (prefix !== undefined && !isDnsSubdomain(prefix)) ||
      (value !== '' && !labelPart.test(value))
    )
      refuse(
        field,
        `${field} : étiquette ${quoted(`${key}=${value}`)} invalide.`,
        `${field}: invalid label ${quoted(`${key}=${value}`)}.`,
      );
  }
}

function egressRule(destination: EgressDestination, field: string) {
  if (destination.to.length === 0 || destination.ports.length === 0)
    refuse(
      field,
      `${field} : au moins une destination et un port (une liste vide ouvrirait tout).`,
      `${field}: at least one destination and one port (an empty list would open everything).`,
    );
  return {
    to: destination.to.map((peer): NetworkPolicyPeer => {
      if ('cidr' in peer) {
        requireCidr(peer.cidr, field);
        for (const cidr of peer.except ?? []) requireCidr(cidr, field);
        return { ipBlock: { cidr: peer.cidr, ...(peer.except?.length ? { except: [...peer.except] } : {}) } };
      }
      if (!dnsLabel.test(peer.namespace))
        refuse(
          field,
          `${field} : espace ${quoted(peer.namespace)} invalide.`,
          `${field}: invalid namespace ${quoted(peer.namespace)}.`,
        );
      requireLabels(peer.podLabels ?? {}, field);
      return {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } },
        ...(peer.podLabels ? { podSelector: { matchLabels: { ...peer.podLabels } } } : {}),
      };
    }),
    ports: destination.ports.map((port) => {
      requirePositiveInteger(port.port, `${field}.port`, 65535);
      return { protocol: port.protocol ?? 'TCP', port: port.port };
    }),
  };
}

/** The cluster's DNS (CoreDNS keeps kube-dns's label), which every name lookup needs. */
const clusterDns: EgressDestination = {
  to: [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};

// ---- The deployment ----

const cpu = (millis: number) => `${millis}m`;
const memory = (mebibytes: number) => `${mebibytes}Mi`;

/** Every object one garden needs on Kubernetes, in the order they are applied. */
export function gardenDeployment(settings: GardenDeploymentSettings): GardenKubernetesObject[] {
  const names = gardenObjectNames(settings.gardenId);
  const gardenId = settings.gardenId;

  if (!digestPinned.test(settings.image))
    refuse(
      'image',
      `L'image ${quoted(settings.image)} doit être fixée par son empreinte (…@sha256:…) : une étiquette peut changer.`,
      `The image ${quoted(settings.image)} must be pinned by digest (…@sha256:…): a tag can move.`,
    );
  const replicas = settings.replicas ?? 1;
  requirePositiveInteger(replicas, 'replicas', 10);
  const resources = settings.resources ?? defaultWorkerResources;
  for (const key of ['requestCpuMillis', 'requestMemoryMiB', 'limitCpuMillis', 'limitMemoryMiB'] as const)
    requirePositiveInteger(resources[key], `resources.${key}`, 65536);
  if (
    resources.requestCpuMillis > resources.limitCpuMillis ||
    resources.requestMemoryMiB > resources.limitMemoryMiB
  )
    refuse('resources', 'Les demandes dépassent les limites.', 'Requests exceed limits.');
  const cachedWorkflows = workflowCacheFor(resources);
  if (cachedWorkflows < minimumCachedWorkflows)
    refuse(
      'resources',
      `${resources.limitMemoryMiB} Mio laissent ${Math.max(cachedWorkflows, 0)} processus en mémoire ; il en faut ${minimumCachedWorkflows} au moins (${memoryLimitFor(minimumCachedWorkflows)} Mio).`,
      `${resources.limitMemoryMiB} MiB leave room for ${Math.max(cachedWorkflows, 0)} cached workflows; at least ${minimumCachedWorkflows} are needed (${memoryLimitFor(minimumCachedWorkflows)} MiB).`,
    );
  if (!settings.temporal.address || !settings.temporal.namespace)
    refuse('temporal', 'Adresse et espace Temporal requis.', 'Temporal address and namespace are required.');

  const fixedSettings: Record<string, string> = {
    WORKER_GARDENS: gardenId,
    TEMPORAL_ADDRESS: settings.temporal.address,
    TEMPORAL_NAMESPACE: settings.temporal.namespace,
    TEMPORAL_TLS: String(settings.temporal.tls ?? false),
    WORKER_HEALTH_PORT: String(workerHealthPort),
    // The worker listens on loopback unless told: the kubelet probes the pod's address.
    WORKER_HEALTH_HOST: '0.0.0.0',
    // The SDK's own default grows with the heap, not the pod's limit: the cache must fit the pod.
    WORKER_MAX_CACHED_WORKFLOWS: String(cachedWorkflows),
  };
  const secretKeys = settings.secret?.keys ?? [];
  const environment = Object.entries(settings.environment ?? {});
  for (const [key] of environment) {
    if (!environmentName.test(key))
      refuse(
        'environment',
        `${quoted(key)} n'est pas un nom de variable.`,
        `${quoted(key)} is not a variable name.`,
      );
    if (Object.hasOwn(fixedSettings, key))
      refuse('environment', `${key} est fixé par le déploiement.`, `${key} is set by the deployment itself.`);
    if (secretLooking.test(key) || secretKeys.includes(key))
      refuse(
        'environment',
        `${key} ressemble à un secret : il se lit dans le Secret, pas dans le ConfigMap.`,
        `${key} looks like a secret: it belongs in the Secret, not the ConfigMap.`,
      );
  }
  // Server-side apply merges `env` by name: a name listed twice is refused by the API server.
  for (const [index, key] of secretKeys.entries())
    if (!environmentName.test(key) || Object.hasOwn(fixedSettings, key) || secretKeys.indexOf(key) !== index)
      refuse(
        'secret.keys',
        `${quoted(key)} ne peut pas venir du Secret.`,
        `${quoted(key)} cannot come from the Secret.`,
      );
  const secretName = settings.secret?.name ?? names.secret;
  if (!isDnsSubdomain(secretName))
    refuse('secret.name', `${quoted(secretName)} : nom invalide.`, `${quoted(secretName)}: invalid name.`);
  if (settings.imagePullSecret !== undefined && !isDnsSubdomain(settings.imagePullSecret))
    refuse(
      'imagePullSecret',
      `${quoted(settings.imagePullSecret)} : nom de Secret invalide.`,
      `${quoted(settings.imagePullSecret)}: invalid Secret name.`,
    );
  if (settings.awsRoleArn !== undefined && !iamRole.test(settings.awsRoleArn))
    refuse(
      'awsRoleArn',
      `${quoted(settings.awsRoleArn)} n'est pas un rôle IAM.`,
      `${quoted(settings.awsRoleArn)} is not an IAM role.`,
    );

  const egress: [string, EgressDestination][] = [
    ['dns', clusterDns],
    ['temporal', settings.egress.temporal],
    ['aws', settings.egress.aws],
    ['keycloak', settings.egress.keycloak],
    ...Object.entries(settings.egress.others ?? {}),
  ];
  for (const [index, [purpose]] of egress.entries())
    if (!dnsLabel.test(purpose) || egress.findIndex(([other]) => other === purpose) !== index)
      refuse(
        'egress',
        `${quoted(purpose)} : nom de destination invalide.`,
        `${quoted(purpose)}: invalid destination name.`,
      );

  const labels = {
    'app.kubernetes.io/name': 'cocagne',
    'app.kubernetes.io/part-of': 'cocagne',
    'app.kubernetes.io/managed-by': 'cocagne-provisioning',
    'cocagne/garden': gardenId,
    'cocagne/tenant': 'garden',
  };
  const podLabels = {
    'app.kubernetes.io/name': 'cocagne',
    'app.kubernetes.io/component': 'worker',
    'cocagne/garden': gardenId,
  };
  const meta = (
    name: string,
    extra: Partial<ObjectMeta> = {},
    component?: 'worker' | 'site',
  ): ObjectMeta => ({
    name,
    namespace: names.namespace,
    labels: { ...labels, ...(component ? { 'app.kubernetes.io/component': component } : {}) },
    ...extra,
  });

  // Room for a rolling update: one extra pod beside the running ones (maxSurge 1).
  const pods = replicas + 1;
  const probe = (path: string, failureThreshold: number, periodSeconds: number): Probe => ({
    httpGet: { path, port: 'health' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });

  const objects: GardenKubernetesObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: names.namespace,
        labels: {
          ...labels,
          // The worker needs no privilege: the API server refuses any pod that asks for one.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          // Enforcement judges pods only; a warning also judges the Deployment's template.
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta(names.quota),
      spec: {
        hard: {
          pods: String(pods),
          'requests.cpu': cpu(resources.requestCpuMillis * pods),
          'requests.memory': memory(resources.requestMemoryMiB * pods),
          'limits.cpu': cpu(resources.limitCpuMillis * pods),
          'limits.memory': memory(resources.limitMemoryMiB * pods),
          configmaps: '10',
          secrets: '10',
          services: '2',
          'services.loadbalancers': '0',
          'services.nodeports': '0',
          persistentvolumeclaims: '0',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta(names.limits),
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: cpu(resources.limitCpuMillis), memory: memory(resources.limitMemoryMiB) },
            defaultRequest: {
              cpu: cpu(resources.requestCpuMillis),
              memory: memory(resources.requestMemoryMiB),
            },
            max: { cpu: cpu(resources.limitCpuMillis), memory: memory(resources.limitMemoryMiB) },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(names.networkPolicy, {
        annotations: { 'cocagne/egress': egress.map(([purpose]) => purpose).join(',') },
      }),
      spec: {
        // Every pod of the namespace: nothing comes in, only the listed services go out.
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        egress: egress.map(([purpose, destination]) => egressRule(destination, `egress.${purpose}`)),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(
        names.serviceAccount,
        settings.awsRoleArn ? { annotations: { 'eks.amazonaws.com/role-arn': settings.awsRoleArn } } : {},
        'worker',
      ),
      // The worker never calls the Kubernetes API.
      automountServiceAccountToken: false,
      // Kubernetes copies it into the worker's pods: the kubelet pulls the image with it.
      ...(settings.imagePullSecret ? { imagePullSecrets: [{ name: settings.imagePullSecret }] } : {}),
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(names.config, {}, 'worker'),
      data: Object.fromEntries([...environment, ...Object.entries(fixedSettings)]),
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(
        names.worker,
        { annotations: { 'cocagne/task-queue': gardenTaskQueue(gardenId) } },
        'worker',
      ),
      spec: {
        replicas,
        selector: { matchLabels: { ...podLabels } },
        // A new pod polls before an old one stops: the queue is never left without a worker.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: { ...podLabels } },
          spec: {
            serviceAccountName: names.serviceAccount,
            automountServiceAccountToken: false,
            // On SIGTERM the worker finishes its current tasks (worker-main.ts) before it exits.
            terminationGracePeriodSeconds: 60,
            // The node image's unprivileged user: a numeric id, which runAsNonRoot can check.
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              runAsGroup: 1000,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'worker',
                image: settings.image,
                ...(settings.command ? { command: [...settings.command] } : {}),
                envFrom: [{ configMapRef: { name: names.config } }],
                env: secretKeys.map((key) => ({
                  name: key,
                  valueFrom: { secretKeyRef: { name: secretName, key, optional: false as const } },
                })),
                ports: [{ name: 'health', containerPort: workerHealthPort, protocol: 'TCP' }],
                resources: {
                  requests: {
                    cpu: cpu(resources.requestCpuMillis),
                    memory: memory(resources.requestMemoryMiB),
                    'ephemeral-storage': '64Mi',
                  },
                  limits: {
                    cpu: cpu(resources.limitCpuMillis),
                    memory: memory(resources.limitMemoryMiB),
                    'ephemeral-storage': '256Mi',
                  },
                },
                // Loading the workflow bundle and connecting to Temporal may take a while.
                startupProbe: probe('/livez', 30, 2),
                livenessProbe: probe('/livez', 3, 10),
                readinessProbe: probe('/readyz', 2, 5),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(names.disruptionBudget, {}, 'worker'),
      // One pod at a time: a node drain never waits forever on a single-replica garden, and a
      // garden with several keeps the others polling.
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...podLabels } } },
    },
  ];

  if (settings.site)
    objects.push(
      ...siteObjects(settings.site, names, (name, annotations) =>
        meta(name, annotations ? { annotations } : {}, 'site'),
      ),
    );
  return objects;
}

const targetGroupArn =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
const certificateArn = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** An IngressGroup's name, as the AWS Load Balancer Controller takes it. */
const ingressGroupName = /^[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?$/;
/**
 * The actions' names, which the rules' backends name with the port `use-annotation`: the
 * controller then reads `alb.ingress.kubernetes.io/actions.<name>` instead of a Service.
 */
export const albActions = { api: 'cocagne-api', web: 'cocagne-web' } as const;

function siteObjects(
  site: GardenSite,
  names: ReturnType<typeof gardenObjectNames>,
  meta: (name: string, annotations?: Record<string, string>) => ObjectMeta,
): [Service, Ingress] | [Ingress] | [] {
  const hostName = site.hostName;
  if (!isDnsSubdomain(hostName) || !hostName.includes('.'))
    refuse(
      'site.hostName',
      `${quoted(hostName)} n'est pas un nom d'hôte.`,
      `${quoted(hostName)} is not a host name.`,
    );
  if (site.via === 'cloudfront') return [];
  if (!isDnsSubdomain(site.ingressClassName))
    refuse(
      'site.ingressClassName',
      `${quoted(site.ingressClassName)} : classe invalide.`,
      `${quoted(site.ingressClassName)}: invalid class.`,
    );
  const rule = (paths: [string, { name: string; port: { name: string } }][]) => ({
    host: hostName,
    http: {
      paths: paths.map(([path, backend]) => ({
        path,
        pathType: 'Prefix' as const,
        backend: { service: backend },
      })),
    },
  });
  if (site.via === 'alb-target-group') return [albSiteIngress(site, names, meta, rule)];
  if (site.via !== undefined)
    refuse(
      'site.via',
      `${quoted(String(site.via))} : « service », « alb-target-group » ou « cloudfront ».`,
      `${quoted(String(site.via))}: "service", "alb-target-group" or "cloudfront".`,
    );
  if (!isDnsSubdomain(site.apiHost))
    refuse(
      'site.apiHost',
      `${quoted(site.apiHost)} n'est pas un nom d'hôte.`,
      `${quoted(site.apiHost)} is not a host name.`,
    );
  requirePositiveInteger(site.apiPort, 'site.apiPort', 65535);
  if (site.tlsSecretName !== undefined && !isDnsSubdomain(site.tlsSecretName))
    refuse(
      'site.tlsSecretName',
      `${quoted(site.tlsSecretName)} : nom invalide.`,
      `${quoted(site.tlsSecretName)}: invalid name.`,
    );
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(names.service),
      // The garden's host is served by the shared API, in its own namespace: an Ingress can
      // only name a Service of its own namespace, so this one stands for it.
      spec: {
        type: 'ExternalName',
        externalName: site.apiHost,
        ports: [{ name: 'http', port: site.apiPort, protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(names.ingress),
      spec: {
        ingressClassName: site.ingressClassName,
        ...(site.tlsSecretName ? { tls: [{ hosts: [hostName], secretName: site.tlsSecretName }] } : {}),
        rules: [rule([['/', { name: names.service, port: { name: 'http' } }]])],
      },
    },
  ];
}

function albSiteIngress(
  site: GardenSiteByTargetGroup,
  names: ReturnType<typeof gardenObjectNames>,
  meta: (name: string, annotations?: Record<string, string>) => ObjectMeta,
  rule: (paths: [string, { name: string; port: { name: string } }][]) => Ingress['spec']['rules'][number],
): Ingress {
  if (!ingressGroupName.test(site.groupName))
    refuse(
      'site.groupName',
      `${quoted(site.groupName)} : nom de groupe invalide.`,
      `${quoted(site.groupName)}: invalid group name.`,
    );
  for (const field of ['apiTargetGroupArn', 'webTargetGroupArn'] as const)
    if (!targetGroupArn.test(site[field]))
      refuse(
        `site.${field}`,
        `${quoted(site[field])} n'est pas un groupe cible (target group) ELB.`,
        `${quoted(site[field])} is not an ELB target group.`,
      );
  if (site.certificateArn !== undefined && !certificateArn.test(site.certificateArn))
    refuse(
      'site.certificateArn',
      `${quoted(site.certificateArn)} n'est pas un certificat ACM.`,
      `${quoted(site.certificateArn)} is not an ACM certificate.`,
    );
  const forward = (arn: string) =>
    JSON.stringify({ type: 'forward', forwardConfig: { targetGroups: [{ targetGroupARN: arn }] } });
  const byAction = (name: string) => ({ name, port: { name: 'use-annotation' } });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(names.ingress, {
      // One more rule on the platform's ALB: its listener, WAF and scheme are the group's.
      'alb.ingress.kubernetes.io/group.name': site.groupName,
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
      [`alb.ingress.kubernetes.io/actions.${albActions.api}`]: forward(site.apiTargetGroupArn),
      [`alb.ingress.kubernetes.io/actions.${albActions.web}`]: forward(site.webTargetGroupArn),
      ...(site.certificateArn ? { 'alb.ingress.kubernetes.io/certificate-arn': site.certificateArn } : {}),
    }),
    spec: {
      ingressClassName: site.ingressClassName,
      // No Secret: the ALB terminates TLS with ACM; the host lets the controller find its certificate.
      tls: [{ hosts: [site.hostName] }],
      // As the platform's Ingress: the API's paths to the API, every other to the web app.
      rules: [
        rule([
          ['/api', byAction(albActions.api)],
          ['/docs', byAction(albActions.api)],
          ['/', byAction(albActions.web)],
        ]),
      ],
    },
  };
}

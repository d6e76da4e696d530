/**
 * A garden's objects on Kubernetes (provisioning step 5, and its compensation): applied with
 * server-side apply from `gardenDeployment` (domain/garden-deployment.ts, the one source of
 * truth), watched until the worker is available, described for the health column, removed.
 *
 * Every operation may be run again after a crash: applying what is already there changes
 * nothing, removing what is already gone is not an error. Neither touches a namespace named as
 * the garden's that the provisioner did not make (its labels say whose it is): they refuse.
 */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import {
  gardenDeployment,
  gardenObjectNames,
  type GardenKubernetesObject,
  gardenSettings,
  type GardenDeploymentProfile,
  type GardenSiteDefaults,
} from '../../domain/garden-deployment.ts';
import type { Localized } from '../../domain/locale.ts';

/** How gardens are deployed, the same for all (domain/garden-deployment.ts). */
export type { GardenDeploymentProfile, GardenSiteDefaults };

export interface GardenClusterOptions {
  /** The API server, `https://…`. */
  apiUrl: string;
  /** A bearer token bound to the provisioner's role (infra/k8s/provisioner-rbac.yaml). */
  token: string;
  /** The PEM of the CA that signed the API server's certificate; the system's CAs when absent. */
  caFile?: string;
  profile: GardenDeploymentProfile;
  /** The field manager of server-side apply; `cocagne-provisioning` unless told. */
  fieldManager?: string;
}

export type GardenAvailability =
  { available: true } | { available: false; reason: 'no-nodes' | 'timeout'; message: Localized };

export interface GardenClusterState {
  namespace: 'absent' | 'active' | 'terminating';
  /** The garden's objects present in its namespace, as `Kind/name` (the namespace itself apart). */
  objects: string[];
  deployment?: { replicas: number; availableReplicas: number };
}

export interface GardenCluster {
  /**
   * Applies the garden's objects in order; returns them as `Kind/name` or `Kind/namespace/name`.
   * An existing namespace of the garden's name not made for it is refused, never taken over; a
   * garden kept in Git (its namespace labelled `keptInGitLabel`) is left to Flux: nothing applied.
   * A garden with its own host name also gets a Service and an Ingress for it (`servesSites`).
   */
  apply(gardenId: string, options?: GardenApplyOptions): Promise<string[]>;
  /** Whether the profile says how to serve a garden's own host name (its `site`). */
  readonly servesSites: boolean;
  /** Waits for the worker Deployment; says at once when the cluster has no node to run it. */
  waitUntilAvailable(
    gardenId: string,
    options?: { timeoutMs?: number; pollMs?: number },
  ): Promise<GardenAvailability>;
  /**
   * Deletes what `apply` made, namespaced objects first; returns what existed. A namespace of the
   * garden's name not made for it, or a garden kept in Git, is refused (`refused`, not transient)
   * and left as it is.
   */
  remove(gardenId: string): Promise<string[]>;
  describe(gardenId: string): Promise<GardenClusterState>;
  /**
   * The gardens whose namespace this provisioner made and still owns (kept-in-Git ones are
   * Flux's): those a new release's image or profile must reach by applying them again.
   */
  deployedGardens(): Promise<string[]>;
}

export interface GardenApplyOptions {
  hostName?: string | undefined;
  /**
   * Only a garden still deployed: its namespace is not made again, and nothing is applied when
   * it is gone (a release's refresh crossing a retirement must not bring the garden back).
   */
  existingOnly?: boolean;
}

export const provisioningFieldManager = 'cocagne-provisioning';

/**
 * The labels of the garden's Namespace (as gardenDeployment writes them) by which it is ours:
 * made by the provisioner, for this garden. The admission policy of infra/k8s/provisioner-rbac.ts
 * checks the same on the server.
 */
const ownershipLabels = ['app.kubernetes.io/managed-by', 'cocagne/garden'] as const;

/**
 * The label (value `"true"`) of the namespaces of the gardens kept in Git (infra/k8s/gardens,
 * applied by Flux): Git owns them, so the provisioning workflow applies nothing in them and
 * removes nothing of them (infra/k8s/README.md, "Who manages a garden").
 */
export const keptInGitLabel = 'cocagne/kept-in-git';

/**
 * Why a request to the API server failed:
 * - `refused`: the server judged an object invalid (400, 422): the settings must change;
 * - `unauthorized` (401): the token is wrong or expired; `forbidden` (403): its role lacks a right;
 * - `untrusted`: the server's certificate is not signed by the configured CA;
 * - `terminating`: the garden's namespace is still being deleted (try again later);
 * - `unreachable`: no answer at the URL (connection refused, DNS, timeout);
 * - `missing`: an object that should be there is not (404 where one was needed);
 * - `server`: anything else the server answered (409, 429, 5xx…).
 */
export type KubernetesFailure =
  | 'refused'
  | 'unauthorized'
  | 'forbidden'
  | 'untrusted'
  | 'terminating'
  | 'unreachable'
  | 'missing'
  | 'server';

const transientFailures: ReadonlySet<KubernetesFailure> = new Set(['terminating', 'unreachable', 'server']);

export class KubernetesError extends Error {
  readonly failure: KubernetesFailure;
  /** The HTTP status the server answered, when it answered. */
  readonly status: number | undefined;
  /** The object concerned, `Kind/namespace/name`, when there is one. */
  readonly object: string | undefined;
  readonly messages: Localized;
  /** Worth trying again later as it is; otherwise a setting, a token or a role must change. */
  readonly transient: boolean;

  constructor(
    failure: KubernetesFailure,
    messages: Localized,
    options: { status?: number; object?: string; cause?: unknown } = {},
  ) {
    super(messages.en, { cause: options.cause });
    this.name = 'KubernetesError';
    this.failure = failure;
    this.status = options.status;
    this.object = options.object;
    this.messages = messages;
    this.transient = transientFailures.has(failure);
  }
}

export function isKubernetesError(error: unknown): error is KubernetesError {
  return error instanceof KubernetesError;
}

/** `Kind/name` for cluster-wide objects, `Kind/namespace/name` for the others. */
function objectPath(object: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind}/${namespace ? `${namespace}/` : ''}${object.metadata?.name}`;
}

/** The codes Node gives network failures (undici wraps them in `cause`, sometimes in `errors`). */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && !code.startsWith('ERR_INVALID')) return code;
  if (Array.isArray(errors))
    for (const each of errors) {
      const found = networkCode(each, depth + 1);
      if (found) return found;
    }
  return networkCode(cause, depth + 1);
}

const certificateCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function serverMessage(body: unknown): string {
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  )
    return (body as { message: string }).message;
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500);
  return 'no reason given';
}

type Action = 'apply' | 'read' | 'list' | 'delete';
const actionsInFrench: Record<Action, string> = {
  apply: 'appliquer',
  read: 'lire',
  list: 'lister',
  delete: 'supprimer',
};

/** Says which object, what was tried and why the server (or the network) said no. */
function explain(error: unknown, apiUrl: string, action: Action, object: string): unknown {
  if (error instanceof KubernetesError) return error;
  const what = `${action} ${object}`;
  const verbe = actionsInFrench[action];
  // « d'appliquer », « de lire »
  const deQuoi = `${/^[aeiou]/.test(verbe) ? "d'" : 'de '}${verbe} ${object}`;
  const quoi = `${verbe} ${object}`;
  if (error instanceof ApiException) {
    const status = error.code;
    const reason = serverMessage(error.body);
    const options = { status, object, cause: error };
    if (status === 401)
      return new KubernetesError(
        'unauthorized',
        {
          fr: `Kubernetes (${apiUrl}) refuse le jeton (401) : KUBERNETES_TOKEN est faux ou expiré.`,
          en: `Kubernetes at ${apiUrl} refused the token (401 Unauthorized): KUBERNETES_TOKEN is wrong or expired.`,
        },
        options,
      );
    if (status === 403 && /being terminated/.test(reason))
      return new KubernetesError(
        'terminating',
        {
          fr: `Impossible ${deQuoi} : l'espace du jardin est encore en cours de suppression (${reason}).`,
          en: `Cannot ${what}: the garden's namespace is still being deleted (${reason}).`,
        },
        options,
      );
    if (status === 403 && /ValidatingAdmissionPolicy/.test(reason))
      return new KubernetesError(
        'forbidden',
        {
          fr: `Kubernetes (${apiUrl}) interdit ${deQuoi} (403) : la règle d'admission qui limite le provisionnement aux espaces des jardins le refuse (infra/k8s/provisioner-rbac.yaml). Serveur : ${reason}`,
          en: `Kubernetes at ${apiUrl} forbids to ${what} (403 Forbidden): the admission policy that confines provisioning to the gardens' namespaces refuses it (infra/k8s/provisioner-rbac.yaml). Server: ${reason}`,
        },
        options,
      );
    if (status === 403)
      return new KubernetesError(
        'forbidden',
        {
          fr: `Kubernetes (${apiUrl}) interdit à ce jeton ${deQuoi} (403) : le rôle lié au jeton n'a pas ce droit (infra/k8s/provisioner-rbac.yaml). Serveur : ${reason}`,
          en: `Kubernetes at ${apiUrl} forbids this token to ${what} (403 Forbidden): the role bound to the token lacks this right (infra/k8s/provisioner-rbac.yaml). Server: ${reason}`,
        },
        options,
      );
    if (status === 404)
      return new KubernetesError(
        'missing',
        {
          fr: `Impossible ${deQuoi} : introuvable (${reason}).`,
          en: `Cannot ${what}: not found (${reason}).`,
        },
        options,
      );
    if (status === 400 || status === 422)
      return new KubernetesError(
        'refused',
        {
          fr: `Kubernetes refuse ${deQuoi} (${status}) : ${reason}`,
          en: `Kubernetes refused to ${what} (${status}): ${reason}`,
        },
        options,
      );
    return new KubernetesError(
      'server',
      {
        fr: `Kubernetes a répondu ${status} à « ${quoi} » : ${reason}`,
        en: `Kubernetes answered ${status} to ${what}: ${reason}`,
      },
      options,
    );
  }
  const code = networkCode(error);
  if (code && certificateCodes.has(code))
    return new KubernetesError(
      'untrusted',
      {
        fr: `Le certificat de Kubernetes (${apiUrl}) n'est pas reconnu (${code}) : vérifier KUBERNETES_CA_FILE.`,
        en: `The certificate of Kubernetes at ${apiUrl} is not trusted (${code}): check KUBERNETES_CA_FILE.`,
      },
      { object, cause: error },
    );
  if (code) {
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code;
    return new KubernetesError(
      'unreachable',
      {
        fr: `Le cluster Kubernetes est injoignable à ${apiUrl} (${why === 'connection refused' ? 'connexion refusée' : why}).`,
        en: `The Kubernetes cluster cannot be reached at ${apiUrl} (${why}).`,
      },
      { object, cause: error },
    );
  }
  return error;
}

function isAbsent(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

function isDeploymentAvailable(deployment: V1Deployment): boolean {
  const generation = deployment.metadata?.generation;
  const observed = deployment.status?.observedGeneration;
  // A status written for an older spec says nothing of the current one.
  if (generation !== undefined && observed !== undefined && observed < generation) return false;
  const wanted = deployment.spec?.replicas ?? 1;
  const available = deployment.status?.availableReplicas ?? 0;
  const condition = deployment.status?.conditions?.find((each) => each.type === 'Available');
  return available >= wanted || condition?.status === 'True';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createGardenCluster(options: GardenClusterOptions): GardenCluster {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'cocagne', server: options.apiUrl, caFile: options.caFile, skipTLSVerify: false }],
    users: [{ name: 'cocagne-provisioner', token: options.token }],
    contexts: [{ name: 'cocagne', cluster: 'cocagne', user: 'cocagne-provisioner' }],
    currentContext: 'cocagne',
  });
  const objects = KubernetesObjectApi.makeApiClient(config);
  const core = config.makeApiClient(CoreV1Api);
  const apps = config.makeApiClient(AppsV1Api);
  const fieldManager = options.fieldManager ?? provisioningFieldManager;
  const apiUrl = options.apiUrl;

  const siteDefaults = options.profile.site;
  const deploymentOf = (gardenId: string, hostName?: string): GardenKubernetesObject[] =>
    gardenDeployment(gardenSettings(options.profile, gardenId, hostName));

  /**
   * Everything `apply` may have made, namespaced objects in reverse order. The site's Service
   * and Ingress are in it even when the profile has no site: a profile changed since would
   * otherwise leave them behind.
   */
  function namespacedObjects(gardenId: string): { apiVersion: string; kind: string; name: string }[] {
    const names = gardenObjectNames(gardenId);
    const listed: { apiVersion: string; kind: string; name: string }[] = deploymentOf(gardenId)
      .filter((object) => object.kind !== 'Namespace')
      .map((object) => ({ apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name }));
    const site = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: names.ingress },
      { apiVersion: 'v1', kind: 'Service', name: names.service },
    ];
    for (const object of site)
      if (!listed.some((each) => each.kind === object.kind && each.name === object.name)) listed.push(object);
    return listed.reverse();
  }

  async function read(header: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  }): Promise<KubernetesObject | undefined> {
    const spec = {
      apiVersion: header.apiVersion,
      kind: header.kind,
      metadata: { name: header.name, ...(header.namespace ? { namespace: header.namespace } : {}) },
    };
    try {
      return await objects.read(spec);
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw explain(error, apiUrl, 'read', objectPath(spec));
    }
  }

  /** The labels gardenDeployment gives the garden's Namespace. */
  const ownLabels = (gardenId: string): Record<string, string> =>
    deploymentOf(gardenId).find((object) => object.kind === 'Namespace')!.metadata.labels;

  /**
   * Whether the garden's namespace is absent, ours (made by the provisioner for this garden: its
   * labels say so, as gardenDeployment writes them) or someone else's that only bears the name.
   */
  async function namespaceOwner(gardenId: string): Promise<'absent' | 'ours' | 'git' | 'foreign'> {
    const names = gardenObjectNames(gardenId);
    const found = await read({ apiVersion: 'v1', kind: 'Namespace', name: names.namespace });
    if (!found) return 'absent';
    const expected = ownLabels(gardenId);
    const labels = found.metadata?.labels ?? {};
    if (!ownershipLabels.every((key) => expected[key] !== undefined && labels[key] === expected[key]))
      return 'foreign';
    return labels[keptInGitLabel] === 'true' ? 'git' : 'ours';
  }

  /** The refusal to remove a garden kept in Git: Flux would make it again from there. */
  function keptInGit(gardenId: string): KubernetesError {
    const namespace = gardenObjectNames(gardenId).namespace;
    return new KubernetesError(
      'refused',
      {
        fr: `Le jardin ${gardenId} est gardé dans Git (infra/k8s/gardens, appliqué par Flux ; son espace de noms ${namespace} porte l'étiquette ${keptInGitLabel}=true) : Cocagne n'en supprime rien, Flux le recréerait. Retirez-le d'abord de infra/k8s/gardens/gardens.json, puis ôtez l'étiquette, puis réessayez.`,
        en: `Garden ${gardenId} is kept in Git (infra/k8s/gardens, applied by Flux; its namespace ${namespace} bears the label ${keptInGitLabel}=true): Cocagne removes nothing of it, Flux would make it again. Take it out of infra/k8s/gardens/gardens.json first, then remove the label, then retry.`,
      },
      { object: `Namespace/${namespace}` },
    );
  }

  /** The refusal to touch a namespace named as the garden's that the provisioner did not make. */
  function notOurs(gardenId: string, action: 'apply' | 'delete'): KubernetesError {
    const namespace = gardenObjectNames(gardenId).namespace;
    const expected = ownLabels(gardenId);
    const labels = ownershipLabels.map((key) => `${key}=${expected[key]}`).join(', ');
    return new KubernetesError(
      'refused',
      action === 'delete'
        ? {
            fr: `L'espace de noms ${namespace} existe mais n'a pas été créé par Cocagne pour le jardin ${gardenId} (il n'a pas les étiquettes ${labels}) : ni lui ni son contenu ne sont supprimés. À examiner par l'administrateur du cluster.`,
            en: `The namespace ${namespace} exists but was not made by Cocagne for garden ${gardenId} (it lacks the labels ${labels}): neither it nor anything in it is deleted. For the cluster's administrator to look at.`,
          }
        : {
            fr: `L'espace de noms ${namespace} existe déjà mais n'a pas été créé par Cocagne pour le jardin ${gardenId} (il n'a pas les étiquettes ${labels}) : Cocagne ne se l'approprie pas et n'y applique rien. À examiner par l'administrateur du cluster.`,
            en: `The namespace ${namespace} already exists but was not made by Cocagne for garden ${gardenId} (it lacks the labels ${labels}): Cocagne does not take it over and applies nothing in it. For the cluster's administrator to look at.`,
          },
      { object: `Namespace/${namespace}` },
    );
  }

  return {
    servesSites: siteDefaults !== undefined,

    async deployedGardens() {
      const labelSelector = `app.kubernetes.io/managed-by=${provisioningFieldManager},${keptInGitLabel}!=true`;
      try {
        const { items } = await core.listNamespace({ labelSelector });
        return (
          items
            // One being deleted is a garden leaving: nothing to bring to a release.
            .filter((namespace) => namespace.status?.phase !== 'Terminating')
            .map((namespace) => namespace.metadata?.labels?.['cocagne/garden'])
            .filter((gardenId): gardenId is string => typeof gardenId === 'string' && gardenId !== '')
            .sort()
        );
      } catch (error) {
        throw explain(error, apiUrl, 'list', '/api/v1/namespaces');
      }
    },

    async apply(gardenId, applyOptions = {}) {
      // Server-side apply with force would take over a namespace of the same name: ours only.
      const owner = await namespaceOwner(gardenId);
      if (owner === 'foreign') throw notOurs(gardenId, 'apply');
      // A garden kept in Git is Flux's: its objects and its image come from there.
      if (owner === 'git') return [];
      if (applyOptions.existingOnly && owner === 'absent') return [];
      const applied: string[] = [];
      for (const object of deploymentOf(gardenId, applyOptions.hostName)) {
        // Its namespace is not made again: being deleted, the server refuses what would go in it.
        if (applyOptions.existingOnly && object.kind === 'Namespace') continue;
        const path = objectPath(object);
        try {
          // The serializer only reads the object; a copy keeps the domain's value as it was.
          await objects.patch(
            structuredClone(object),
            undefined,
            undefined,
            fieldManager,
            true,
            PatchStrategy.ServerSideApply,
          );
        } catch (error) {
          throw explain(error, apiUrl, 'apply', path);
        }
        applied.push(path);
      }
      return applied;
    },

    async waitUntilAvailable(gardenId, { timeoutMs = 300_000, pollMs = 2_000 } = {}) {
      const names = gardenObjectNames(gardenId);
      const deadline = Date.now() + timeoutMs;
      const worker = `Deployment/${names.namespace}/${names.worker}`;
      for (;;) {
        let deployment: V1Deployment;
        try {
          deployment = await apps.readNamespacedDeployment({
            name: names.worker,
            namespace: names.namespace,
          });
        } catch (error) {
          throw explain(error, apiUrl, 'read', worker);
        }
        if (isDeploymentAvailable(deployment)) return { available: true };
        let nodes: number;
        try {
          nodes = (await core.listNode({ limit: 1 })).items.length;
        } catch (error) {
          throw explain(error, apiUrl, 'list', 'nodes');
        }
        if (nodes === 0)
          return {
            available: false,
            reason: 'no-nodes',
            message: {
              fr: `Le cluster n'a aucun nœud : le travailleur du jardin ${gardenId} ne peut pas démarrer (c'est le cas de la pile locale, sans kubelet). Ses objets sont en place.`,
              en: `The cluster has no node: the worker of garden ${gardenId} cannot start (as in the local stack, which has no kubelet). Its objects are in place.`,
            },
          };
        const left = deadline - Date.now();
        if (left <= 0) {
          const replicas = deployment.spec?.replicas ?? 1;
          const available = deployment.status?.availableReplicas ?? 0;
          const seconds = Math.round(timeoutMs / 1000);
          return {
            available: false,
            reason: 'timeout',
            message: {
              fr: `Le travailleur du jardin ${gardenId} n'est pas disponible après ${seconds} s (${available} sur ${replicas}).`,
              en: `The worker of garden ${gardenId} is not available after ${seconds} s (${available} of ${replicas}).`,
            },
          };
        }
        await sleep(Math.min(pollMs, left));
      }
    },

    async remove(gardenId) {
      const names = gardenObjectNames(gardenId);
      // Nothing of the garden's can be left without its namespace; someone else's is left alone.
      const owner = await namespaceOwner(gardenId);
      if (owner === 'absent') return [];
      if (owner === 'foreign') throw notOurs(gardenId, 'delete');
      if (owner === 'git') throw keptInGit(gardenId);
      const removed: string[] = [];
      const targets = [
        ...namespacedObjects(gardenId).map((object) => ({ ...object, namespace: names.namespace })),
        { apiVersion: 'v1', kind: 'Namespace', name: names.namespace, namespace: undefined },
      ];
      for (const target of targets) {
        const spec = {
          apiVersion: target.apiVersion,
          kind: target.kind,
          metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) },
        };
        const path = objectPath(spec);
        try {
          await objects.delete(spec, undefined, undefined, undefined, undefined, 'Background');
          removed.push(path);
        } catch (error) {
          if (isAbsent(error)) continue;
          throw explain(error, apiUrl, 'delete', path);
        }
      }
      return removed;
    },

    async describe(gardenId) {
      const names = gardenObjectNames(gardenId);
      const namespace = await read({ apiVersion: 'v1', kind: 'Namespace', name: names.namespace });
      if (!namespace) return { namespace: 'absent', objects: [] };
      const phase = (namespace as { status?: { phase?: string } }).status?.phase;
      const state: GardenClusterState = {
        namespace: phase === 'Terminating' ? 'terminating' : 'active',
        objects: [],
      };
      for (const object of namespacedObjects(gardenId).reverse()) {
        const found = await read({ ...object, namespace: names.namespace });
        if (!found) continue;
        state.objects.push(`${object.kind}/${object.name}`);
        if (object.kind === 'Deployment') {
          const deployment = found as V1Deployment;
          state.deployment = {
            replicas: deployment.spec?.replicas ?? 1,
            availableReplicas: deployment.status?.availableReplicas ?? 0,
          };
        }
      }
      return state;
    },
  };
}

import { accessSync, constants, readFileSync } from 'node:fs';
import Type from 'typebox';
import { isCocagneError } from '../../domain/errors.ts';
import { gardenDeployment, isDigestPinned } from '../../domain/garden-deployment.ts';
import { createGardenCluster, type GardenCluster, type GardenDeploymentProfile } from './garden-cluster.ts';

/**
 * The Kubernetes cluster where gardens' workers run (provisioning, step 5). All of it or none:
 * without a cluster the provisioning workflow has no Kubernetes step to run.
 */
export const KubernetesEnvironment = Type.Object({
  /** The API server, e.g. `https://127.0.0.1:6443` (the local stack) or the EKS endpoint. */
  KUBERNETES_API_URL: Type.Optional(Type.String({ pattern: '^https://[^\\s]+$' })),
  /** A bearer token bound to the provisioner's role (infra/k8s/provisioner-rbac.yaml). */
  KUBERNETES_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  /** The PEM of the CA that signed the API server's certificate; the system's CAs when absent. */
  KUBERNETES_CA_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * A JSON file holding what every garden's deployment shares (`GardenDeploymentSettings`
   * without `gardenId`): image, Temporal, environment, egress… e.g.
   * infra/local/garden-deployment-profile.json.
   */
  GARDEN_DEPLOYMENT_PROFILE: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * The gardens' workers' image, over the profile's `image`: pinned by digest
   * (`registry/name[:tag]@sha256:…`). In production the network worker's own image, which Flux's
   * image automation keeps current (infra/k8s/overlays/<env>/kustomization.yaml), so a garden
   * created at run time starts on the release the platform runs, not on the profile's.
   */
  GARDEN_WORKER_IMAGE: Type.Optional(Type.String({ minLength: 1 })),
});
export type KubernetesEnvironment = Type.Static<typeof KubernetesEnvironment>;

const requiredTogether = ['KUBERNETES_API_URL', 'KUBERNETES_TOKEN', 'GARDEN_DEPLOYMENT_PROFILE'] as const;

/**
 * The garden cluster the settings describe, or undefined when none is configured. A partial
 * set, an unreadable CA file or a profile the deployment function refuses stop the process at
 * boot, with the variable, the file and the field named.
 */
export function gardenClusterFrom(
  settings: KubernetesEnvironment,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): GardenCluster | undefined {
  const given = [...requiredTogether, 'KUBERNETES_CA_FILE' as const, 'GARDEN_WORKER_IMAGE' as const].filter(
    (name) => settings[name],
  );
  if (given.length === 0) return undefined;
  const missing = requiredTogether.filter((name) => !settings[name]);
  if (missing.length > 0)
    throw new Error(
      `Invalid configuration: the Kubernetes cluster is half configured: ${given.join(', ')} set, ` +
        `${missing.join(', ')} missing (set all of ${requiredTogether.join(', ')}, or none).`,
    );
  const caFile = settings.KUBERNETES_CA_FILE;
  if (caFile !== undefined) {
    try {
      accessSync(caFile, constants.R_OK);
    } catch (error) {
      throw new Error(
        `Invalid configuration: KUBERNETES_CA_FILE ${caFile} cannot be read: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  return createGardenCluster({
    apiUrl: settings.KUBERNETES_API_URL!,
    token: settings.KUBERNETES_TOKEN!,
    caFile,
    profile: gardenProfileFrom(
      { GARDEN_DEPLOYMENT_PROFILE: settings.GARDEN_DEPLOYMENT_PROFILE!, ...settings },
      readText,
    ),
  });
}

/**
 * The profile every garden is deployed with: the file's (checked), its image replaced by
 * GARDEN_WORKER_IMAGE when that is set, which must be pinned by digest.
 */
export function gardenProfileFrom(
  settings: Pick<KubernetesEnvironment, 'GARDEN_WORKER_IMAGE'> & { GARDEN_DEPLOYMENT_PROFILE: string },
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): GardenDeploymentProfile {
  const image = settings.GARDEN_WORKER_IMAGE;
  if (image !== undefined && !isDigestPinned(image))
    throw new Error(
      `Invalid configuration: GARDEN_WORKER_IMAGE ${image} must be pinned by digest ` +
        '(registry/name@sha256:<64 hex digits>, a tag before the @ allowed): a tag alone can move.',
    );
  const profile = readGardenDeploymentProfile(settings.GARDEN_DEPLOYMENT_PROFILE, readText);
  return image === undefined ? profile : { ...profile, image };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields the deployment function reads without checking their type itself. */
function shapeProblems(value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if ('gardenId' in value) problems.push('gardenId: must be absent (each garden gets its own)');
  if (typeof value.image !== 'string') problems.push('image: a string');
  if (value.replicas !== undefined && typeof value.replicas !== 'number') problems.push('replicas: a number');
  if (value.imagePullSecret !== undefined && typeof value.imagePullSecret !== 'string')
    problems.push('imagePullSecret: a string (the name of a Secret)');
  const temporal = value.temporal;
  if (!isObject(temporal) || typeof temporal.address !== 'string' || typeof temporal.namespace !== 'string')
    problems.push('temporal.address and temporal.namespace: strings');
  if (value.environment !== undefined) {
    const environment = value.environment;
    if (!isObject(environment) || Object.values(environment).some((entry) => typeof entry !== 'string'))
      problems.push('environment: an object of strings');
  }
  if (value.secret !== undefined) {
    const secret = value.secret;
    if (!isObject(secret) || !Array.isArray(secret.keys)) problems.push('secret.keys: a list');
  }
  const egress = value.egress;
  for (const name of ['temporal', 'aws', 'keycloak']) {
    const destination = isObject(egress) ? egress[name] : undefined;
    if (!isObject(destination) || !Array.isArray(destination.to) || !Array.isArray(destination.ports))
      problems.push(`egress.${name}.to and egress.${name}.ports: lists`);
  }
  if (isObject(egress) && egress.others !== undefined) {
    const others = egress.others;
    if (
      !isObject(others) ||
      Object.values(others).some(
        (destination) =>
          !isObject(destination) || !Array.isArray(destination.to) || !Array.isArray(destination.ports),
      )
    )
      problems.push('egress.others: destinations with to and ports lists');
  }
  if (value.site !== undefined && !isObject(value.site)) problems.push('site: an object');
  if (isObject(value.site) && value.site.hostName !== undefined)
    problems.push('site: no hostName (each garden gives its own when it is created)');
  if (value.resources !== undefined && !isObject(value.resources)) problems.push('resources: an object');
  return problems;
}

/** A slug that passes every rule, to try the profile with before any garden uses it. */
const trialGardenId = 'profile-check';

/**
 * Reads and checks a deployment profile: its shape, then the deployment function itself on a
 * trial garden, so that a refused profile stops the process at boot instead of failing every
 * provisioning at step 5. Errors name the file and the field.
 */
export function readGardenDeploymentProfile(
  path: string,
  readText: (path: string) => string = (file) => readFileSync(file, 'utf8'),
): GardenDeploymentProfile {
  const refuse = (problem: string) =>
    new Error(`Invalid configuration: GARDEN_DEPLOYMENT_PROFILE ${path}: ${problem}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(path));
  } catch (error) {
    throw refuse(`cannot be read as JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw refuse('must hold a JSON object');
  const problems = shapeProblems(parsed);
  if (problems.length > 0) throw refuse(problems.join('; '));
  const profile = parsed as unknown as GardenDeploymentProfile;
  try {
    const { site, ...shared } = profile;
    gardenDeployment({
      ...shared,
      gardenId: trialGardenId,
      ...(site ? { site: { ...site, hostName: `${trialGardenId}.example.org` } } : {}),
    });
  } catch (error) {
    if (!isCocagneError(error)) throw error;
    throw refuse(`${error.field ?? '(profile)'}: ${error.messages.en}`);
  }
  return profile;
}

/**
 * The folders Flux applies (infra/k8s and infra/flux), built with kustomize as Flux's
 * kustomize-controller builds them, for the tests: manifests.test.ts (lint, renderings) and
 * dry-run.test.ts (the local kube-apiserver judges every object).
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fluxCrdModules } from '../local/versions.ts';

export const repositoryRoot = resolve(import.meta.dirname, '../..');

/** Every folder a Flux Kustomization (or `flux bootstrap`) points at, and the bases they use. */
export const kustomizeFolders = [
  'infra/k8s/base',
  'infra/k8s/production',
  'infra/k8s/overlays/staging',
  'infra/k8s/overlays/production',
  'infra/k8s/vroom/base',
  'infra/k8s/vroom/staging',
  'infra/k8s/vroom/production',
  'infra/k8s/gardens',
  'infra/k8s/gardens/val-du-doubs',
  'infra/k8s/gardens/pays-de-vesoul',
  'infra/flux/base/controllers',
  'infra/flux/base/delivery',
  'infra/flux/staging',
  'infra/flux/staging/controllers',
  'infra/flux/staging/delivery',
  'infra/flux/production',
  'infra/flux/production/controllers',
  'infra/flux/production/delivery',
] as const;

/**
 * External Secrets' CRDs for the dry run: the Go module of the chart's version (the HelmRelease in
 * infra/flux/base/controllers, flux.test.ts holds them together), installed by the local stack
 * into FLUX_CRDS_DIR/external-secrets with Flux's (infra/local/versions.ts).
 */
export const externalSecretsCrds = fluxCrdModules.find(
  (entry) => entry.module === 'github.com/external-secrets/external-secrets',
)!;

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The YAML documents of a text, each an object; a reader error fails loudly. */
export function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0]?.message}`);
    const value = document.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

/** `kustomize build <folder>`: what Flux would apply from it. */
export function kustomizeBuild(kustomizePath: string, folder: string): Manifest[] {
  const text = execFileSync(kustomizePath, ['build', join(repositoryRoot, folder)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseManifests(text, folder);
}

export const objectName = (object: Manifest) =>
  `${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;

export interface PodTemplateOwner {
  object: Manifest;
  pod: {
    serviceAccountName?: string;
    imagePullSecrets?: { name: string }[];
    securityContext?: Record<string, unknown>;
    containers: {
      name: string;
      image: string;
      resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
      readinessProbe?: unknown;
      livenessProbe?: unknown;
      securityContext?: Record<string, unknown>;
    }[];
  };
}

/** Objects that run pods (Deployments here), with their pod template's spec. */
export function podTemplates(objects: readonly Manifest[]): PodTemplateOwner[] {
  return objects.flatMap((object) => {
    const template = (object.spec as { template?: { spec?: PodTemplateOwner['pod'] } } | undefined)?.template;
    return template?.spec ? [{ object, pod: template.spec }] : [];
  });
}

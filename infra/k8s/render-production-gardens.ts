/**
 * Renders the production gardens' folders for Flux (infra/k8s/gardens/<slug>/) from the
 * production profile (infra/k8s/production/garden-deployment-profile.json) and the list in
 * infra/k8s/gardens/gardens.json, with the same composition the provisioning workflow applies
 * (`gardenSettings` then `gardenDeployment`). See infra/k8s/README.md, "Production gardens".
 *
 *   node infra/k8s/render-production-gardens.ts
 *
 * Writes each garden's `garden.yaml`, and its `kustomization.yaml` when it has none (Flux's image
 * automation then owns the tag and digest in it), and `gardens/kustomization.yaml` listing them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keptInGitLabel } from '../../adapters/kubernetes/garden-cluster.ts';
import { readGardenDeploymentProfile } from '../../adapters/kubernetes/kubernetes-settings.ts';
import { gardenSettings, type GardenDeploymentProfile } from '../../domain/garden-deployment.ts';
import { renderGardenYaml } from './garden-yaml.ts';

export const k8sDir = import.meta.dirname;
export const productionProfilePath = join(k8sDir, 'production', 'garden-deployment-profile.json');
export const gardensDir = join(k8sDir, 'gardens');

export interface ProductionGarden {
  gardenId: string;
  hostName?: string;
}

export function productionGardens(): ProductionGarden[] {
  return JSON.parse(readFileSync(join(gardensDir, 'gardens.json'), 'utf8')) as ProductionGarden[];
}

export function productionProfile(): GardenDeploymentProfile {
  return readGardenDeploymentProfile(productionProfilePath);
}

/** The image policy the gardens' worker image follows (infra/flux/production/images.yaml). */
export const workerImagePolicy = 'flux-system:cocagne-worker';

/** `registry/name` and `sha256:…` of an image pinned by digest. */
export function imageParts(image: string): { name: string; digest: string } {
  const at = image.indexOf('@');
  return { name: image.slice(0, at), digest: image.slice(at + 1) };
}

/**
 * A garden's folder: its objects, and the image automation's markers on the worker's image, so
 * that a release reaches the gardens in Git as it reaches the platform.
 */
export function gardenKustomization(profile: GardenDeploymentProfile): string {
  const { name, digest } = imageParts(profile.image);
  return [
    '# A production garden for Flux: garden.yaml is rendered by infra/k8s/render-production-gardens.ts',
    "# (do not edit it); the worker's tag and digest below are Flux's image automation's.",
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - garden.yaml',
    'images:',
    `  - name: ${name}`,
    `    digest: ${digest} # {"$imagepolicy": "${workerImagePolicy}:digest"}`,
    '',
  ].join('\n');
}

export function gardensKustomization(gardens: readonly ProductionGarden[]): string {
  return [
    '# Every production garden kept in Git (infra/k8s/gardens/gardens.json): rendered by',
    '# infra/k8s/render-production-gardens.ts. Their namespaces say so: the provisioning workflow',
    '# then applies and removes nothing of them (Git, by Flux, is their one owner).',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    ...gardens.map((garden) => `  - ${garden.gardenId}`),
    'patches:',
    '  - target:',
    '      kind: Namespace',
    '    patch: |-',
    '      - op: add',
    `        path: /metadata/labels/${keptInGitLabel.replace('/', '~1')}`,
    "        value: 'true'",
    '',
  ].join('\n');
}

export function renderProductionGardens(): string[] {
  const profile = productionProfile();
  const gardens = productionGardens();
  const written: string[] = [];
  for (const garden of gardens) {
    const folder = join(gardensDir, garden.gardenId);
    mkdirSync(folder, { recursive: true });
    const yaml = renderGardenYaml(gardenSettings(profile, garden.gardenId, garden.hostName));
    writeFileSync(join(folder, 'garden.yaml'), yaml);
    written.push(join(folder, 'garden.yaml'));
    const kustomization = join(folder, 'kustomization.yaml');
    if (!existsSync(kustomization)) {
      writeFileSync(kustomization, gardenKustomization(profile));
      written.push(kustomization);
    }
  }
  writeFileSync(join(gardensDir, 'kustomization.yaml'), gardensKustomization(gardens));
  written.push(join(gardensDir, 'kustomization.yaml'));
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  for (const path of renderProductionGardens()) console.log(`wrote ${path}`);

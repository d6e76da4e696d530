import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gardenDeployment, gardenSettings } from '../../domain/garden-deployment.ts';
import { gardenClusterFrom, gardenProfileFrom, readGardenDeploymentProfile } from './kubernetes-settings.ts';

/** The gardens' image over the profile's (GARDEN_WORKER_IMAGE): no cluster needed. */
const profilePath = join(import.meta.dirname, '../../infra/k8s/production/garden-deployment-profile.json');
const profileText = readFileSync(profilePath, 'utf8');
const profileImage = (JSON.parse(profileText) as { image: string }).image;
const readText = () => profileText;
const released = `nexus.example.org/cocagne/cocagne-worker@sha256:${'a1'.repeat(32)}`;

describe('GARDEN_WORKER_IMAGE', () => {
  it('replaces the profile’s image in every garden the workflow deploys', () => {
    const profile = gardenProfileFrom(
      { GARDEN_DEPLOYMENT_PROFILE: profilePath, GARDEN_WORKER_IMAGE: released },
      readText,
    );
    expect(profile.image).toBe(released);
    const deployment = gardenDeployment(gardenSettings(profile, 'val-de-saone')).find(
      (object) => object.kind === 'Deployment',
    ) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(deployment.spec.template.spec.containers.map((container) => container.image)).toEqual([released]);
  });

  it('takes the reference kustomize writes from a tag and a digest', () => {
    const tagged = `nexus.example.org/cocagne/cocagne-worker:1.4.20261206143000-rc.1@sha256:${'b2'.repeat(32)}`;
    expect(
      gardenProfileFrom({ GARDEN_DEPLOYMENT_PROFILE: profilePath, GARDEN_WORKER_IMAGE: tagged }, readText)
        .image,
    ).toBe(tagged);
  });

  it('leaves the profile’s image when it is not set', () => {
    expect(gardenProfileFrom({ GARDEN_DEPLOYMENT_PROFILE: profilePath }, readText).image).toBe(profileImage);
  });

  it('refuses a reference not pinned by digest, naming the variable', () => {
    for (const image of [
      'nexus.example.org/cocagne/cocagne-worker:1.4.0',
      'nexus.example.org/cocagne/cocagne-worker@sha256:abc',
      `nexus.example.org/cocagne/cocagne-worker@sha512:${'c3'.repeat(32)}`,
    ])
      expect(
        () =>
          gardenProfileFrom({ GARDEN_DEPLOYMENT_PROFILE: profilePath, GARDEN_WORKER_IMAGE: image }, readText),
        image,
      ).toThrow(`GARDEN_WORKER_IMAGE ${image} must be pinned by digest`);
  });

  it('is refused without the cluster it would deploy to', () => {
    expect(() => gardenClusterFrom({ GARDEN_WORKER_IMAGE: released }, readText)).toThrow(
      'KUBERNETES_API_URL, KUBERNETES_TOKEN, GARDEN_DEPLOYMENT_PROFILE missing',
    );
  });
});

describe('the profile’s imagePullSecret', () => {
  const withPullSecret = (value: unknown) => () =>
    JSON.stringify({ ...(JSON.parse(profileText) as object), imagePullSecret: value });

  it('reaches the ServiceAccount of every garden the workflow deploys', () => {
    const profile = readGardenDeploymentProfile(profilePath, withPullSecret('registry-pull'));
    const account = gardenDeployment(gardenSettings(profile, 'val-de-saone')).find(
      (object) => object.kind === 'ServiceAccount',
    );
    expect(account).toMatchObject({ imagePullSecrets: [{ name: 'registry-pull' }] });
  });

  it('is refused at start when it is no Secret’s name, naming the file and the field', () => {
    expect(() => readGardenDeploymentProfile(profilePath, withPullSecret(['nexus-pull']))).toThrow(
      `GARDEN_DEPLOYMENT_PROFILE ${profilePath}: imagePullSecret: a string`,
    );
    expect(() => readGardenDeploymentProfile(profilePath, withPullSecret('Nexus Pull'))).toThrow(
      `GARDEN_DEPLOYMENT_PROFILE ${profilePath}: imagePullSecret: "Nexus Pull": invalid Secret name.`,
    );
  });
});

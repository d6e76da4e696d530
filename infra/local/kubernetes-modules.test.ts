import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubernetesModulesDir, pinnedVersion } from './kubernetes-modules.ts';
import { kubernetesPrograms } from './versions.ts';

describe('the Go modules of the local Kubernetes API', () => {
  it('pin kube-apiserver and etcd to the releases their go.mod require', () => {
    expect(pinnedVersion(kubernetesPrograms.kubeApiserver)).toMatch(/^v1\.\d+\.\d+$/);
    expect(pinnedVersion(kubernetesPrograms.etcd)).toMatch(/^v3\.6\.\d+$/);
  });

  it('point every staging module of k8s.io/kubernetes at the published release of the same version', () => {
    const version = pinnedVersion(kubernetesPrograms.kubeApiserver); // v1.36.3 → v0.36.3
    const staging = version.replace(/^v1\./, 'v0.');
    const goMod = readFileSync(join(kubernetesModulesDir, 'kube-apiserver', 'go.mod'), 'utf8');
    const replaced = [...goMod.matchAll(/^\t(k8s\.io\/[a-z-]+) => (k8s\.io\/[a-z-]+) (v\S+)$/gm)];
    // The 31 modules k8s.io/kubernetes's own go.mod lists at v0.0.0 (./staging in its repository).
    expect(replaced).toHaveLength(31);
    for (const [, from, to, at] of replaced) {
      expect(to).toBe(from);
      expect(at).toBe(staging);
    }
  });

  it('say which module a go.mod lacks', () => {
    expect(() => pinnedVersion({ ...kubernetesPrograms.etcd, module: 'example.com/absent' })).toThrow(
      /does not require example\.com\/absent/,
    );
  });
});

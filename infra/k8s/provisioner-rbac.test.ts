import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { gardenDeployment, type GardenDeploymentSettings } from '../../domain/garden-deployment.ts';
import {
  gardenLabel,
  gardenNamespacePrefix,
  gardenResources,
  managedByLabel,
  policyName,
  provisionerRbac,
  renderProvisionerRbacYaml,
} from './provisioner-rbac.ts';

const here = (name: string) => new URL(name, import.meta.url);
const demoSettings = JSON.parse(readFileSync(here('demo-garden.json'), 'utf8')) as GardenDeploymentSettings;
const [role, , policy, policyBinding] = provisionerRbac();

/** Whether the role lets its holder do `verb` on `resource` of `apiGroup`. */
function allows(apiGroup: string, resource: string, verb: string): boolean {
  return role.rules.some(
    (rule) =>
      rule.apiGroups.includes(apiGroup) && rule.resources.includes(resource) && rule.verbs.includes(verb),
  );
}

describe("the provisioner's role", () => {
  it('is the committed YAML, byte for byte, which reads back as the same objects', () => {
    // After a deliberate change: node infra/k8s/provisioner-rbac.ts > infra/k8s/provisioner-rbac.yaml
    const committed = readFileSync(here('provisioner-rbac.yaml'), 'utf8');
    expect(renderProvisionerRbacYaml()).toBe(committed);
    expect(parseAllDocuments(committed).map((document) => document.toJS() as unknown)).toEqual(
      provisionerRbac(),
    );
  });

  it('lets the workflow apply, read and delete every kind of object a garden is made of', () => {
    // The demo garden has its own host name, so it holds every kind, the Ingress included.
    const kinds = new Set(gardenDeployment(demoSettings).map((object) => object.kind));
    expect([...kinds].sort()).toEqual(Object.keys(gardenResources).sort());
    for (const kind of kinds) {
      const { apiGroup, resource } = gardenResources[kind];
      for (const verb of ['get', 'create', 'patch', 'delete'])
        expect(allows(apiGroup, resource, verb), `${verb} ${resource}`).toBe(true);
    }
    expect(allows('apps', 'deployments/status', 'get')).toBe(true);
    expect(allows('', 'nodes', 'list')).toBe(true);
  });

  it('grants nothing else: no wildcard, no secret, pod, role or status write', () => {
    for (const rule of role.rules) {
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.verbs).not.toContain('*');
    }
    for (const [apiGroup, resource] of [
      ['', 'secrets'],
      ['', 'pods'],
      ['', 'pods/exec'],
      ['', 'namespaces/finalize'],
      ['rbac.authorization.k8s.io', 'roles'],
      ['rbac.authorization.k8s.io', 'rolebindings'],
    ])
      for (const verb of ['get', 'create', 'patch', 'update', 'delete'])
        expect(allows(apiGroup!, resource!, verb), `${verb} ${resource}`).toBe(false);
    expect(allows('apps', 'deployments/status', 'patch')).toBe(false);
    expect(allows('', 'nodes', 'get')).toBe(false);
  });

  it('is bound to the provisioner, as a ServiceAccount in production and as the user of a token', () => {
    const [, binding] = provisionerRbac({ serviceAccountNamespace: 'cocagne-prod' });
    expect(binding).toMatchObject({
      kind: 'ClusterRoleBinding',
      roleRef: { kind: 'ClusterRole', name: 'cocagne-provisioner' },
      subjects: [
        { kind: 'ServiceAccount', name: 'cocagne-provisioner', namespace: 'cocagne-prod' },
        { kind: 'User', name: 'cocagne-provisioner' },
      ],
    });
  });
});

describe("the admission policy that confines the role to the gardens' namespaces", () => {
  it('watches every kind the role writes, on create, update and delete, refusing when in doubt', () => {
    const watched = policy.spec.matchConstraints.resourceRules.flatMap((rule) => {
      expect(rule.operations).toEqual(['CREATE', 'UPDATE', 'DELETE']);
      expect(rule.apiVersions).toEqual(['*']);
      return rule.apiGroups.flatMap((apiGroup) =>
        rule.resources.map((resource) => `${apiGroup}/${resource}`),
      );
    });
    const written = role.rules
      .filter((rule) => rule.verbs.some((verb) => ['create', 'patch', 'update', 'delete'].includes(verb)))
      .flatMap((rule) =>
        rule.apiGroups.flatMap((apiGroup) => rule.resources.map((resource) => `${apiGroup}/${resource}`)),
      );
    expect([...watched].sort()).toEqual([...written].sort());
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policyBinding).toMatchObject({
      kind: 'ValidatingAdmissionPolicyBinding',
      spec: { policyName, validationActions: ['Deny'] },
    });
  });

  it('applies to the users the role is bound to, and to them only', () => {
    const [, binding, prodPolicy] = provisionerRbac({ serviceAccountNamespace: 'cocagne-prod' });
    const [condition] = prodPolicy.spec.matchConditions;
    expect(prodPolicy.spec.matchConditions).toHaveLength(1);
    const usernames = binding.subjects.map((subject) =>
      subject.kind === 'ServiceAccount'
        ? `system:serviceaccount:${subject.namespace}:${subject.name}`
        : subject.name,
    );
    expect(condition!.expression).toBe(
      `request.userInfo.username in [${usernames.map((name) => `'${name}'`).join(', ')}]`,
    );
  });

  it("knows a garden's namespace by the labels gardenDeployment gives it", () => {
    const namespace = gardenDeployment(demoSettings).find((object) => object.kind === 'Namespace')!;
    expect(namespace.metadata.name).toBe(`${gardenNamespacePrefix}${demoSettings.gardenId}`);
    expect(namespace.metadata.labels).toMatchObject({
      [managedByLabel.key]: managedByLabel.value,
      [gardenLabel]: demoSettings.gardenId,
    });
    for (const object of gardenDeployment(demoSettings))
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe(namespace.metadata.name);
  });
});

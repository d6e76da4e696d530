// The local Kubernetes API server as its admin sees it: health, and the provisioner's role.
import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubernetesCertificate, kubernetesTokens } from './environment.ts';
import { rootDir } from './paths.ts';

export interface KubernetesAnswer {
  status: number;
  body: string;
}

/**
 * One request with the admin's token, trusting the server's own self-signed certificate;
 * undefined when the server does not answer (or has no certificate yet).
 */
export function kubernetesAdminRequest(
  port: number,
  method: string,
  path: string,
  body?: { contentType: string; text: string },
): Promise<KubernetesAnswer | undefined> {
  if (!existsSync(kubernetesCertificate)) return Promise.resolve(undefined);
  return new Promise((resolvePromise) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: readFileSync(kubernetesCertificate),
        headers: {
          authorization: `Bearer ${kubernetesTokens.admin.token}`,
          ...(body ? { 'content-type': body.contentType } : {}),
        },
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolvePromise(undefined));
    req.end(body?.text);
  });
}

/**
 * The provisioner's ClusterRole and its binding, and the admission policy that confines it to
 * the gardens' namespaces: what the application may do on the cluster.
 */
export const provisionerRbacFile = join(rootDir, 'infra', 'k8s', 'provisioner-rbac.yaml');

interface ClusterObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
}

/** Where each kind of cluster-wide object the file may hold is written, by apiVersion and kind. */
const clusterObjectPaths: Record<string, Record<string, string>> = {
  'rbac.authorization.k8s.io/v1': {
    ClusterRole: 'clusterroles',
    ClusterRoleBinding: 'clusterrolebindings',
  },
  'admissionregistration.k8s.io/v1': {
    ValidatingAdmissionPolicy: 'validatingadmissionpolicies',
    ValidatingAdmissionPolicyBinding: 'validatingadmissionpolicybindings',
  },
};

/**
 * Applies infra/k8s/provisioner-rbac.yaml, every object in its order (server-side apply, as the
 * cluster's admin); idempotent. A kind missing from the table above is refused by name.
 */
export async function applyProvisionerRole(port: number): Promise<void> {
  const objects = parseAllDocuments(readFileSync(provisionerRbacFile, 'utf8'))
    .map((document) => document.toJS() as ClusterObject | null)
    .filter((object): object is ClusterObject => object !== null);
  for (const object of objects) {
    const plural = clusterObjectPaths[object.apiVersion]?.[object.kind];
    if (!plural)
      throw new Error(
        `infra/k8s/provisioner-rbac.yaml holds ${object.apiVersion} ${object.kind} ${object.metadata.name}, which infra/local/kubernetes-access.ts does not know how to apply.`,
      );
    const path = `/apis/${object.apiVersion}/${plural}/${encodeURIComponent(object.metadata.name)}?fieldManager=cocagne-local-stack&force=true`;
    const answer = await kubernetesAdminRequest(port, 'PATCH', path, {
      contentType: 'application/apply-patch+yaml',
      text: JSON.stringify(object),
    });
    if (!answer || answer.status >= 300) {
      throw new Error(
        `The local Kubernetes API refused ${object.kind} ${object.metadata.name} from infra/k8s/provisioner-rbac.yaml: ${answer ? `${answer.status} ${answer.body.slice(0, 300)}` : 'no answer'}`,
      );
    }
  }
}

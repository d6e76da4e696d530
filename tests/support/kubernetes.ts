// The local Kubernetes API for the tests that need it. `npm test` builds and starts it beside
// the tests (infra/local/test-run.ts); those tests call `kubernetesReady()` in a `beforeAll`
// with `kubernetesWaitMs` as its timeout, and run last (tests/support/long-files-first.ts).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { kubernetesAdminRequest } from '../../infra/local/kubernetes-access.ts';
import { testEnvironment } from './environment.ts';
import { sideLaneReady } from './side-lanes.ts';

/** Long enough for the first build of kube-apiserver at low priority beside the other tests. */
export const kubernetesWaitMs = 25 * 60_000;

/** The marker the test sequencer looks for: files that call it run after the others. */
export const kubernetesMarker = 'kubernetesReady(';

/**
 * Resolves once the local API server is up and provisioned; fails at once with the reason when
 * its build or start failed, or when nothing is starting it.
 */
export function kubernetesReady(): Promise<void> {
  const url = testEnvironment().KUBERNETES_API_URL!;
  const port = Number(new URL(url).port);
  return sideLaneReady('kubernetes', {
    what: 'The local Kubernetes API',
    present: async () => {
      const ready = await kubernetesAdminRequest(port, 'GET', '/readyz');
      return ready?.status === 200 && ready.body.trim() === 'ok';
    },
    waitMs: kubernetesWaitMs,
    remedy: `nothing answers at ${url}: start the local stack (\`npm run stack up\`), or run the tests with \`npm test\`.`,
  });
}

/** An API server's answer: its status, its JSON body (or `{ text }`), its warnings. */
export interface KubernetesAnswer {
  status: number;
  body: Record<string, unknown>;
  warnings: string[];
}

/**
 * Where and as whom the tests call an API server directly (as a controller or an administrator
 * would). The certificate authority is a file's path, read at each request: the local stack
 * writes it when the server starts, which may be after a test file is loaded.
 */
export interface KubernetesCaller {
  apiUrl: string;
  token: string;
  caFile?: string;
}

/**
 * One request to the API server as it is: a body sent as JSON, or as written when it is a string
 * (YAML for `application/apply-patch+yaml`); the answer's JSON, and its warnings.
 */
export function kubernetesRequest(
  caller: KubernetesCaller,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<KubernetesAnswer> {
  return new Promise((resolvePromise, reject) => {
    const outgoing = request(
      new URL(path, caller.apiUrl),
      {
        method,
        ca: caller.caFile === undefined ? undefined : readFileSync(caller.caFile),
        headers: {
          authorization: `Bearer ${caller.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': contentType }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const warning = response.headers.warning;
          resolvePromise({
            status: response.statusCode ?? 0,
            body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text ? { text } : {},
            warnings: warning === undefined ? [] : Array.isArray(warning) ? warning : [warning],
          });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body === undefined || typeof body === 'string' ? body : JSON.stringify(body));
  });
}

/**
 * As the namespace controller does once a namespace's content is gone (the local stack runs no
 * controller): lets the server delete it. The finalize call's status, or 404 when it is gone.
 */
export async function finalizeNamespace(caller: KubernetesCaller, namespace: string): Promise<number> {
  const answer = await kubernetesRequest(caller, 'GET', `/api/v1/namespaces/${namespace}`);
  if (answer.status === 404) return 404;
  const current = answer.body as { spec?: Record<string, unknown> };
  const finalized = await kubernetesRequest(caller, 'PUT', `/api/v1/namespaces/${namespace}/finalize`, {
    ...current,
    spec: { ...current.spec, finalizers: [] },
  });
  return finalized.status;
}

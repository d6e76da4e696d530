import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StripeConfig } from '../../adapters/stripe/stripe-gateway.ts';
import { testEnvironment } from './environment.ts';

/** Stripe as the tests reach it: stripe-mock of the local stack, with its test keys. */
export function testStripeConfig(apiBase?: string): StripeConfig {
  const env = testEnvironment();
  return {
    secretKey: env.STRIPE_SECRET_KEY ?? 'sk_test_123',
    apiBase: apiBase ?? env.STRIPE_API_BASE,
    publishableKey: env.STRIPE_PUBLISHABLE_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
  };
}

export interface RecordedStripeRequest {
  method: string;
  /** Without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The form-encoded body (POST) or the query (GET). */
  params: URLSearchParams;
}

type Answer =
  /** Stripe-mock's answer with these top-level fields replaced (state stripe-mock cannot keep). */
  | { patch: Record<string, unknown>; times?: number }
  /** Another answer altogether: an error, an outage. */
  | { status: number; body: unknown; times?: number };

/**
 * stripe-mock behind a recording proxy. stripe-mock checks every request against Stripe's
 * OpenAPI and answers with fixtures, but keeps no state: a SetupIntent is never confirmed, a
 * PaymentIntent never succeeds. Tests let the proxy answer for Stripe where they need a state
 * (`answer`), and read what really went over the wire (`requests`, headers included).
 */
export async function startStripeDouble() {
  const upstream = testStripeConfig().apiBase || 'http://127.0.0.1:12111';
  const requests: RecordedStripeRequest[] = [];
  const answers = new Map<string, Answer>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const [path = '', query = ''] = (request.url ?? '').split('?');
        const method = request.method ?? 'GET';
        requests.push({
          method,
          path,
          headers: request.headers,
          params: new URLSearchParams(method === 'GET' ? query : body),
        });
        const key = `${method} ${path}`;
        const answer = answers.get(key);
        if (answer?.times !== undefined) {
          if (answer.times <= 1) answers.delete(key);
          else answer.times -= 1;
        }
        let status: number;
        let payload: unknown;
        if (answer && 'status' in answer) {
          status = answer.status;
          payload = answer.body;
        } else {
          const forwarded = await fetch(`${upstream}${request.url ?? ''}`, {
            method,
            headers: {
              authorization: request.headers.authorization ?? '',
              'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded',
              ...(request.headers['stripe-version']
                ? { 'stripe-version': String(request.headers['stripe-version']) }
                : {}),
            },
            ...(method === 'GET' || method === 'DELETE' ? {} : { body }),
          });
          status = forwarded.status;
          payload = await forwarded.json();
          if (answer && 'patch' in answer && status < 300) {
            payload = { ...(payload as Record<string, unknown>), ...answer.patch };
          }
        }
        response.writeHead(status, {
          'content-type': 'application/json',
          'request-id': `req_double_${requests.length}`,
          // Tell the SDK whether to retry, as Stripe does.
          'stripe-should-retry': status >= 500 ? 'true' : 'false',
        });
        response.end(JSON.stringify(payload));
      })().catch((error: unknown) => {
        response.writeHead(599, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}`,
    requests,
    /** The requests to one method and path. */
    sent(method: string, path: string | RegExp): RecordedStripeRequest[] {
      return requests.filter(
        (request) =>
          request.method === method &&
          (typeof path === 'string' ? request.path === path : path.test(request.path)),
      );
    },
    /** Makes "Stripe" answer `method path` (query aside) this way, `times` times or until replaced. */
    answer(method: string, path: string, answer: Answer): void {
      answers.set(`${method} ${path}`, { ...answer });
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
export type StripeDouble = Awaited<ReturnType<typeof startStripeDouble>>;

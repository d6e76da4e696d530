import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A PaymentIntent creation as it went over the wire. */
export interface IntentCreation {
  idempotencyKey: string | undefined;
  workflowId: string;
  attempt: string;
  invoiceNumber: number;
  amount: number;
  at: number;
}

/** A PaymentIntent this "Stripe" holds, as its webhooks describe it. */
export interface RecordedIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string;
  created: number;
  status: 'processing' | 'succeeded';
  payment_method_types: string[];
  last_payment_error: null;
  metadata: Record<string, string>;
}

/**
 * Stripe for the chaos runs: stripe-mock behind a recording relay that keeps what stripe-mock
 * cannot, as Stripe does. Every request still goes to stripe-mock, which checks it against
 * Stripe's OpenAPI. A PaymentIntent creation is answered, as Stripe answers it:
 * - `succeeded` for a card (payment method `pm_card_…`), `processing` for a SEPA debit on its
 *   way (the runner later sends each one's `succeeded` webhook, as Stripe does for both);
 * - the same PaymentIntent again for a request that repeats an idempotency key (a retried call).
 * Listing PaymentIntents answers the ones created here, so that the product's look-up of an
 * attempt's earlier charge finds them. The log of creations, with their idempotency keys, is
 * what the invariant "no PaymentIntent created twice for one attempt" reads.
 */
export async function startStripeRecorder(upstream: string) {
  const creations: IntentCreation[] = [];
  const intents = new Map<string, RecordedIntent>();
  const byKey = new Map<string, RecordedIntent>();

  async function forward(method: string, url: string, headers: Record<string, string>, body: string) {
    const answer = await fetch(`${upstream}${url}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'DELETE' ? {} : { body }),
    });
    return { status: answer.status, payload: (await answer.json()) as Record<string, unknown> };
  }

  function createIntent(params: URLSearchParams, key: string | undefined): RecordedIntent {
    const known = key ? byKey.get(key) : undefined;
    if (known) return known;
    const metadata: Record<string, string> = {};
    for (const [name, value] of params) {
      const field = /^metadata\[(.+)\]$/.exec(name)?.[1];
      if (field) metadata[field] = value;
    }
    const amount = Number(params.get('amount'));
    // A card is charged at once; a SEPA debit takes days (processing, then the webhook).
    const card = params.get('payment_method')?.startsWith('pm_card') === true;
    const id = `pi_chaos_${createHash('sha256')
      .update(key ?? `${Date.now()}-${Math.random()}`)
      .digest('hex')
      .slice(0, 20)}`;
    const intent: RecordedIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: card ? amount : 0,
      currency: 'eur',
      customer: params.get('customer') ?? '',
      created: Math.floor(Date.now() / 1000),
      status: card ? 'succeeded' : 'processing',
      payment_method_types: [card ? 'card' : 'sepa_debit'],
      last_payment_error: null,
      metadata,
    };
    intents.set(id, intent);
    if (key) byKey.set(key, intent);
    return intent;
  }

  function list(query: URLSearchParams) {
    const customer = query.get('customer');
    const since = Number(query.get('created[gte]') ?? 0);
    const data = [...intents.values()].filter(
      (intent) => (!customer || intent.customer === customer) && intent.created >= since,
    );
    return { object: 'list', url: '/v1/payment_intents', has_more: false, data };
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = request.url ?? '';
        const [path = '', query = ''] = url.split('?');
        const method = request.method ?? 'GET';
        const headers: Record<string, string> = {
          authorization: request.headers.authorization ?? '',
          'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded',
        };
        const checked = await forward(method, url, headers, body);
        let payload: unknown = checked.payload;
        if (checked.status < 300 && path === '/v1/payment_intents' && method === 'POST') {
          const params = new URLSearchParams(body);
          const key = request.headers['idempotency-key'];
          const idempotencyKey = Array.isArray(key) ? key[0] : key;
          creations.push({
            idempotencyKey,
            workflowId: params.get('metadata[workflowId]') ?? '',
            attempt: params.get('metadata[attempt]') ?? '',
            invoiceNumber: Number(params.get('metadata[invoiceNumber]')),
            amount: Number(params.get('amount')),
            at: Date.now(),
          });
          payload = createIntent(params, idempotencyKey);
        } else if (checked.status < 300 && path === '/v1/payment_intents' && method === 'GET') {
          payload = list(new URLSearchParams(query));
        } else if (checked.status < 300 && method === 'GET' && path.startsWith('/v1/payment_intents/')) {
          payload = intents.get(path.slice('/v1/payment_intents/'.length)) ?? payload;
        }
        response.writeHead(checked.status, {
          'content-type': 'application/json',
          'stripe-should-retry': checked.status >= 500 ? 'true' : 'false',
        });
        response.end(JSON.stringify(payload));
      })().catch((error: unknown) => {
        response.writeHead(503, { 'content-type': 'application/json', 'stripe-should-retry': 'true' });
        response.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}`,
    creations,
    /** The PaymentIntents created so far. */
    intents: () => [...intents.values()],
    /** Marks a PaymentIntent succeeded (the money came in), as its webhook will say. */
    succeed(id: string): RecordedIntent | undefined {
      const intent = intents.get(id);
      if (!intent) return undefined;
      intent.status = 'succeeded';
      intent.amount_received = intent.amount;
      return intent;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
export type StripeRecorder = Awaited<ReturnType<typeof startStripeRecorder>>;

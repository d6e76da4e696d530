/**
 * HTTP to Circuit (Spoke Dispatch API v1, https://api.spoke.com/public/v1): the API key as
 * Basic auth (`key:` with an empty password), JSON in and out, a timeout per request, and the
 * back-off its rate limits ask for (writes 5/s, reads 10/s, imports and optimisations 30/min):
 * on a 429, wait exponentially longer with a random part, up to a bound, then give up with a
 * `CircuitError` of kind `throttled` (the caller falls back). A 429 means the request was not
 * taken, so any method is retried; a network error or a 5xx is retried for reads only (a POST
 * may have been applied: the optimiser re-reads instead of repeating it).
 *
 * A caller may give a deadline (`withDeadline`): no attempt starts and no back-off is waited
 * past it. A wait that would end beyond it, a Retry-After beyond it or beyond
 * `maxRetryAfterMs` included, fails at once as `throttled`, so that the caller falls back in
 * time rather than being cut off by its own timeout.
 */

export const circuitApiBase = 'https://api.spoke.com/public/v1';

/** Why Circuit did not answer as hoped; the fallback says it to staff in plain words. */
export type CircuitErrorKind =
  | 'throttled'
  | 'unavailable'
  | 'timeout'
  | 'refused'
  | 'not-found'
  | 'conflict'
  | 'operation-failed'
  /** Circuit's routes load a vehicle beyond its capacity (which the contract cannot tell it). */
  | 'over-capacity';

export class CircuitError extends Error {
  override readonly name = 'CircuitError';
  readonly kind: CircuitErrorKind;
  readonly status: number | undefined;
  /** Circuit's own error code (`plan_optimization_in_progress`…), when it gave one. */
  readonly code: string | undefined;
  constructor(kind: CircuitErrorKind, message: string, status?: number, code?: string) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.code = code;
  }
}

export interface BackoffOptions {
  /** Attempts in all for one request (the first included). */
  maxAttempts: number;
  /** The first wait; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface CircuitClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** A Retry-After longer than this is not waited for: `throttled` at once (default 60 s). */
  maxRetryAfterMs?: number;
  /** Injected by tests so that back-off takes no real time. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The clock deadlines are measured on (tests pass a fake one with `sleep`). */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface CircuitRequest {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

const defaultBackoff: BackoffOptions = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The wait before retry number `attempt` (1 for the first retry): "equal jitter", half of the
 * exponential step fixed and half random, so that many clients throttled at once spread out.
 * A Retry-After header, when one comes, is a floor.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
  retryAfterMs?: number,
): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const delay = Math.round(step / 2 + random() * (step / 2));
  return Math.max(delay, retryAfterMs ?? 0);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export interface CircuitClient {
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, request?: CircuitRequest): Promise<T>;
  /** Every item of a list endpoint, following `nextPageToken` with the same query. */
  listAll<T>(path: string, key: string, query?: Record<string, string | number | undefined>): Promise<T[]>;
  /** The same client, its requests and back-offs bounded by `deadline` (on the client's clock). */
  withDeadline(deadline: number): CircuitClient;
}

export function createCircuitClient(options: CircuitClientOptions): CircuitClient {
  return clientWithin(options, Number.POSITIVE_INFINITY);
}

function clientWithin(options: CircuitClientOptions, deadline: number): CircuitClient {
  const baseUrl = (options.baseUrl ?? circuitApiBase).replace(/\/$/, '');
  const authorization = `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`;
  const backoff = { ...defaultBackoff, ...options.backoff };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;

  async function request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    { query, body }: CircuitRequest = {},
  ): Promise<T> {
    const url = new URL(`${baseUrl}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    /** Waits before the next attempt, unless the wait would end past the deadline. */
    const waitOrGiveUp = async (ms: number, kind: CircuitErrorKind, why: string) => {
      if (now() + ms > deadline) {
        throw new CircuitError(kind, `${why}; waiting ${ms} ms more would outlast the time left`);
      }
      await sleep(ms);
    };
    for (let attempt = 1; ; attempt += 1) {
      const left = deadline - now();
      if (left <= 0) {
        throw new CircuitError('timeout', `No time left for ${method} ${path}`);
      }
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, left))),
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        if (method === 'GET' && attempt < backoff.maxAttempts) {
          await waitOrGiveUp(
            backoffDelay(attempt, backoff, random),
            'unavailable',
            `Circuit is unreachable (${method} ${path})`,
          );
          continue;
        }
        // No answer in time is, for staff, Circuit not answering (`timeout` is the optimisation's bound).
        throw new CircuitError(
          'unavailable',
          timedOut
            ? `Circuit did not answer ${method} ${path} within ${timeoutMs} ms`
            : `Circuit is unreachable (${method} ${path}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (response.status === 429) {
        await response.body?.cancel();
        if (attempt >= backoff.maxAttempts) {
          throw new CircuitError(
            'throttled',
            `Circuit still refused ${method} ${path} for its rate limit after ${attempt} attempts`,
            429,
          );
        }
        const asked = retryAfterMs(response.headers.get('retry-after'));
        if (asked !== undefined && asked > maxRetryAfterMs) {
          throw new CircuitError(
            'throttled',
            `Circuit asked to retry ${method} ${path} after ${asked} ms, more than the ${maxRetryAfterMs} ms we wait`,
            429,
          );
        }
        await waitOrGiveUp(
          backoffDelay(attempt, backoff, random, asked),
          'throttled',
          `Circuit refused ${method} ${path} for its rate limit`,
        );
        continue;
      }
      if (response.status >= 500 && method === 'GET' && attempt < backoff.maxAttempts) {
        await response.body?.cancel();
        await waitOrGiveUp(
          backoffDelay(attempt, backoff, random),
          'unavailable',
          `Circuit answered ${response.status} to ${method} ${path}`,
        );
        continue;
      }
      const text = await response.text();
      const json: unknown = text ? JSON.parse(text) : undefined;
      if (response.ok) return json as T;
      const problem = (json ?? {}) as { message?: string; code?: string };
      const kind: CircuitErrorKind =
        response.status >= 500
          ? 'unavailable'
          : response.status === 404
            ? 'not-found'
            : response.status === 409
              ? 'conflict'
              : 'refused';
      throw new CircuitError(
        kind,
        `Circuit answered ${response.status} to ${method} ${path}: ${problem.message ?? 'no message'}`,
        response.status,
        problem.code,
      );
    }
  }

  async function listAll<T>(
    path: string,
    key: string,
    query: Record<string, string | number | undefined> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    let pageToken: string | undefined;
    do {
      const page = await request<Record<string, unknown>>('GET', path, { query: { ...query, pageToken } });
      items.push(...((page[key] as T[] | undefined) ?? []));
      pageToken = (page.nextPageToken as string | null | undefined) ?? undefined;
    } while (pageToken);
    return items;
  }

  return {
    request,
    listAll,
    withDeadline: (at) => clientWithin(options, Math.min(deadline, at)),
  };
}

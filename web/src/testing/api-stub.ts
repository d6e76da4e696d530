import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { vi } from 'vitest';
import type { Identity } from '../api-client/me.ts';
import { useSessionStore } from '../stores/session.ts';

/** A call the app made to the (stubbed) API. */
export interface ApiCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export interface StubAnswer {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON (a proxy's error page). */
  text?: string;
  /** Headers of a text answer (a download's type and Content-Disposition); text/html otherwise. */
  headers?: Record<string, string>;
}

export type StubHandler = (call: ApiCall) => StubAnswer | Promise<StubAnswer>;

/**
 * Replaces `fetch` (only it) with a handler answering as the API would. Unit tests of stores
 * check their logic against it; the real API is exercised by the integration and browser tests.
 */
export function stubApi(handler: StubHandler): { calls: ApiCall[] } {
  const calls: ApiCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : input, 'http://localhost');
      init?.signal?.throwIfAborted();
      const call: ApiCall = {
        method: init?.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: new Headers(init?.headers),
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      calls.push(call);
      const answer = await handler(call);
      init?.signal?.throwIfAborted();
      const status = answer.status ?? 200;
      if (answer.text !== undefined)
        return new Response(answer.text, {
          status,
          headers: answer.headers ?? { 'Content-Type': 'text/html' },
        });
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
  return { calls };
}

export const gardenId = 'val-du-doubs';

export const staffIdentity: Identity = {
  userId: 'u-staff',
  username: 'equipe-doubs',
  name: 'Claire Martin',
  roles: ['staff'],
  gardenId,
  garden: {
    id: gardenId,
    name: 'Jardin du Val du Doubs',
    city: 'Besançon',
    contactEmail: 'contact@example.org',
    timeZone: 'Europe/Paris',
    createdAt: '2026-01-01T00:00:00.000Z',
  },
};

/** A fresh Pinia with someone signed in (staff of Val du Doubs unless told otherwise). */
export function signedIn(identity: Identity = staffIdentity): Pinia {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn(identity);
  return pinia;
}

/** An answer that arrives when the test says so. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

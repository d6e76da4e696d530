import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n/index.ts';
import { useToastStore } from '../stores/toasts.ts';
import { signedIn, stubApi } from '../testing/api-stub.ts';
import { ApiError, request, requestFile, send } from './request.ts';

describe('request chain', () => {
  beforeEach(() => {
    signedIn();
    setLocale('fr');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('calls /api with the chosen language and JSON, leaving out empty query values', async () => {
    const api = stubApi(() => ({ body: { ok: true } }));
    setLocale('en');
    await request('POST', '/gardens/g/things', {
      query: { search: '', limit: 25, cursor: undefined },
      body: { a: 1 },
    });
    const [call] = api.calls;
    expect(call?.path).toBe('/api/gardens/g/things');
    expect(call?.query.toString()).toBe('limit=25');
    expect(call?.headers.get('Accept-Language')).toBe('en');
    expect(call?.headers.get('Content-Type')).toBe('application/json');
    expect(call?.body).toEqual({ a: 1 });
    // Nobody signed in to Keycloak in a unit test: no bearer token is invented.
    expect(call?.headers.get('Authorization')).toBeNull();
  });

  it('gives the status with the data (201 recorded, 202 accepted)', async () => {
    stubApi(() => ({ status: 202, body: { id: 's-1' } }));
    await expect(send('POST', '/x')).resolves.toEqual({ status: 202, data: { id: 's-1' } });
  });

  it("turns the API's error body into an ApiError and shows its message in a toast", async () => {
    stubApi(() => ({
      status: 400,
      body: {
        error: 'invalid_input',
        message: '« Nom » est obligatoire.',
        issues: [{ field: 'lastName', message: '« Nom » est obligatoire.' }],
        requestId: 'req-1',
      },
    }));
    const error = await request('POST', '/x').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_input',
      message: '« Nom » est obligatoire.',
      issues: [{ field: 'lastName', message: '« Nom » est obligatoire.' }],
      requestId: 'req-1',
    });
    expect(useToastStore().toasts.map((toast) => toast.text)).toEqual(['« Nom » est obligatoire.']);
  });

  it('leaves the message to the screen when asked (forms)', async () => {
    stubApi(() => ({ status: 409, body: { error: 'conflict', message: 'Modifié entre-temps.' } }));
    await expect(request('PUT', '/x', { toast: false })).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
    });
    expect(useToastStore().toasts).toEqual([]);
  });

  it('says in French that the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const error = await request('GET', '/x').catch((failure: unknown) => failure);
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect((error as ApiError).message).toMatch(/^Le serveur ne répond pas/);
    expect(useToastStore().toasts[0]?.text).toMatch(/^Le serveur ne répond pas/);
  });

  it('explains an answer that is not from the API (a gateway page)', async () => {
    stubApi(() => ({ status: 502, text: '<html>Bad gateway</html>' }));
    await expect(request('GET', '/x')).rejects.toMatchObject({
      status: 502,
      code: 'unexpected',
      message: 'Le service a répondu de façon inattendue (erreur 502). Réessayez dans un instant.',
    });
  });

  it('lets an aborted call go quietly', async () => {
    stubApi(() => ({ body: {} }));
    const controller = new AbortController();
    controller.abort();
    await expect(request('GET', '/x', { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(useToastStore().toasts).toEqual([]);
  });

  it('gives a download with its name and the headers the API sent beside it', async () => {
    const api = stubApi(() => ({
      text: 'Date;Facture\r\n',
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="paiements-2026-01-2026-12.csv"',
        'x-cocagne-extension-failure': 'trap',
      },
    }));
    const file = await requestFile('/gardens/g/reports/payments.csv', { accept: 'text/csv' });
    expect(api.calls[0]?.headers.get('Accept')).toBe('text/csv, application/json');
    expect(await file.blob.text()).toBe('Date;Facture\r\n');
    expect(file.filename).toBe('paiements-2026-01-2026-12.csv');
    expect(file.headers.get('x-cocagne-extension-failure')).toBe('trap');
    // The other calls answer as before: the status and the data.
    stubApi(() => ({ body: { ok: true } }));
    await expect(send('GET', '/x')).resolves.toEqual({ status: 200, data: { ok: true } });
  });
});

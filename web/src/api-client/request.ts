import type { InputIssue } from '../../../domain/validation.ts';
import {
  endLocalSession,
  freshToken,
  IdentityUnreachableError,
  SessionLostError,
  tokenInHand,
} from '../auth/keycloak.ts';
import { currentLocale, translate } from '../i18n/index.ts';
import { useToastStore } from '../stores/toasts.ts';

/**
 * The one way the app talks to the API. Every call goes through `send`, which:
 * 1. refreshes the access token if it expires within 30 s (a failed refresh ends the session),
 * 2. sends it as a bearer token, with Accept-Language set to the language chosen in the app,
 * 3. turns any failure into an `ApiError` with a sentence for people (the API's own message
 *    when it gave one, in the caller's language; a French or English one otherwise),
 * 4. shows that sentence in a toast, unless the screen shows it itself (`toast: false`).
 * A call that must outlive the page (`keepalive: true`, sent as the tab closes) skips step 1:
 * it goes out at once, before `send` first awaits, with the token in hand.
 */

export const apiBase = '/api';

/** A refused or failed call. `status` is 0 when the API could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  /** The API's stable code (invalid_input, conflict, refused, unavailable…), or network/unexpected/session_lost. */
  readonly code: string;
  /** For refused input: one message per field. */
  readonly issues: InputIssue[];
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, issues: InputIssue[] = [], requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.requestId = requestId;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** false when the screen shows the error itself (a form, beside each field). */
  toast?: boolean;
  /** false for calls made before sign-in, such as GET /api/config. */
  signedIn?: boolean;
  /** 'blob' for a file (a PDF): its bytes rather than JSON. Errors still come as JSON. */
  responseType?: 'json' | 'blob';
  /** Extra headers (an Idempotency-Key). */
  headers?: Record<string, string>;
  /** What a blob answer may be (a PDF by default; an image, a GPX file). */
  accept?: string;
  /**
   * true for a call sent as the page goes away: the browser finishes it after the page is
   * gone (fetch `keepalive`), and it leaves at once with the token in hand (no refresh, nothing
   * awaited before the fetch). Without a valid token it is not sent: a session_lost ApiError.
   */
  keepalive?: boolean;
}

export interface Answer<T> {
  status: number;
  data: T;
  /** The file name a download's Content-Disposition gives, when it gives one. */
  filename?: string;
}

interface ErrorBody {
  error: string;
  message: string;
  issues?: InputIssue[];
  requestId?: string;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.error === 'string' && typeof body.message === 'string';
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') parameters.set(name, String(value));
  }
  const search = parameters.toString();
  return `${apiBase}${path}${search ? `?${search}` : ''}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    const issues = Array.isArray(body.issues) ? body.issues : [];
    return new ApiError(response.status, body.error, body.message, issues, body.requestId);
  }
  // Not the API speaking (a proxy, a gateway): say what we know.
  return new ApiError(
    response.status,
    'unexpected',
    translate('errors.unexpected', { status: response.status }),
  );
}

function tell(error: ApiError, options: RequestOptions): void {
  if (options.toast === false) return;
  useToastStore().error(error.message);
}

export async function send<T>(
  method: Method,
  path: string,
  options: RequestOptions = {},
): Promise<Answer<T>> {
  return (await exchange<T>(method, path, options)).answer;
}

/** `send`, with the answer's headers (what a download says beside its file). */
async function exchange<T>(
  method: Method,
  path: string,
  options: RequestOptions,
): Promise<{ answer: Answer<T>; headers: Headers }> {
  const headers: Record<string, string> = {
    ...options.headers,
    Accept:
      options.responseType === 'blob'
        ? `${options.accept ?? 'application/pdf'}, application/json`
        : 'application/json',
    'Accept-Language': currentLocale(),
  };
  // A file (a photo) goes as its bytes with its own type; anything else as JSON.
  const file = options.body instanceof Blob ? options.body : undefined;
  if (options.body !== undefined)
    headers['Content-Type'] = file ? file.type || 'application/octet-stream' : 'application/json';

  if (options.signedIn !== false && options.keepalive) {
    const token = tokenInHand();
    if (!token) {
      const lost = new ApiError(401, 'session_lost', translate('errors.sessionExpired'));
      tell(lost, options);
      throw lost;
    }
    headers.Authorization = `Bearer ${token}`;
  } else if (options.signedIn !== false) {
    try {
      const token = await freshToken();
      if (token) headers.Authorization = `Bearer ${token}`;
    } catch (error) {
      if (error instanceof IdentityUnreachableError) {
        const unreachable = new ApiError(0, 'network', translate('errors.network'));
        tell(unreachable, options);
        throw unreachable;
      }
      if (!(error instanceof SessionLostError)) throw error;
      const lost = new ApiError(401, 'session_lost', translate('errors.sessionExpired'));
      tell(lost, {});
      throw lost;
    }
  }

  let response: Response;
  try {
    response = await fetch(urlOf(path, options.query), {
      method,
      headers,
      ...(options.body !== undefined ? { body: file ?? JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.keepalive ? { keepalive: true } : {}),
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    const unreachable = new ApiError(0, 'network', translate('errors.network'));
    tell(unreachable, options);
    throw unreachable;
  }

  if (!response.ok) {
    const error = await errorOf(response);
    // The API no longer accepts our token: start again from the sign-in page.
    if (response.status === 401 && options.signedIn !== false) endLocalSession();
    tell(error, options);
    throw error;
  }
  let data: unknown;
  if (response.status === 204) data = undefined;
  else if (options.responseType === 'blob') data = await response.blob();
  else data = await response.json();
  const disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return {
    answer: {
      status: response.status,
      data: data as T,
      ...(disposition?.[1] ? { filename: disposition[1] } : {}),
    },
    headers: response.headers,
  };
}

/** A file the API serves (a week's PDF), with the bearer token: a blob for an object URL. */
export function requestBlob(path: string, options: Omit<RequestOptions, 'responseType' | 'body'> = {}) {
  return request<Blob>('GET', path, { ...options, responseType: 'blob' });
}

/** A downloaded file, and what the answer says beside it. */
export interface DownloadedFile {
  blob: Blob;
  /** The file name the API gives it (Content-Disposition), when it gives one. */
  filename?: string;
  /** The answer's headers: what the API says of the file (the accountant's export: its extension). */
  headers: Headers;
}

/** A download with the file name the API gives it, and the answer's headers. */
export async function requestFile(
  path: string,
  options: Omit<RequestOptions, 'responseType' | 'body'> = {},
): Promise<DownloadedFile> {
  const { answer, headers } = await exchange<Blob>('GET', path, { ...options, responseType: 'blob' });
  return { blob: answer.data, ...(answer.filename ? { filename: answer.filename } : {}), headers };
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  return (await send<T>(method, path, options)).data;
}

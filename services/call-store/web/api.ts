/// <reference lib="dom" />
// Browser client of the QA API: the bearer token lives in sessionStorage (set by the login page or
// pasted), never in a URL. I/O: fetch to the same origin.
import { CodedError } from '../../../pipelines/errors.ts';

export const TOKEN_KEY = 'va.token';
/** Why the last token was refused, kept beside it: a reload of the page still says why. */
const REFUSED_KEY = 'va.refused';

export class ApiError extends CodedError {
  readonly status: number;
  constructor(status: number, code: string, message: string, details: readonly string[]) {
    super(code, message, { details });
    this.status = status;
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
    sessionStorage.removeItem(REFUSED_KEY);
  } else sessionStorage.removeItem(TOKEN_KEY);
}

/** The claims of the stored token, for the header line (the server verifies; this only displays). */
export function claims(): { sub?: string; role?: string; tenant?: string } | null {
  const t = token();
  if (!t) return null;
  try {
    return JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return null;
  }
}

/** True for an admin of every tenant: a call id may then name calls of two tenants. */
export const seesEveryTenant = (): boolean => claims()?.tenant === '*';

/**
 * The page address of a call. For an admin of every tenant it carries the call's tenant (the API
 * answers 409 AMBIGUOUS_CALL for an id two tenants use); others are refused a `tenant` parameter.
 */
export function callHref(callId: string, tenant: string): string {
  const base = `#/calls/${encodeURIComponent(callId)}`;
  return seesEveryTenant() ? `${base}?tenant=${encodeURIComponent(tenant)}` : base;
}

/** `?tenant=…` for an API path when the page was opened for one tenant's call, else ''. */
export const tenantParam = (tenant: string | null): string =>
  tenant === null ? '' : `?tenant=${encodeURIComponent(tenant)}`;

/** The sign-in endpoint: its 401 means a wrong user name or password, not a refused token. */
export const LOGIN_PATH = '/auth/login';

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const t = token();
  if (t) headers.set('authorization', `Bearer ${t}`);
  if (init.body) headers.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    // fetch's own "Failed to fetch" says nothing to a reviewer.
    throw new ApiError(
      0,
      'UNREACHABLE',
      'The server cannot be reached: check the connection and try again.',
      [],
    );
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error ?? {};
    const failure = new ApiError(
      response.status,
      error.code ?? 'HTTP_ERROR',
      error.message ?? response.statusText,
      error.details ?? [],
    );
    // A token refused anywhere (garbage, expired, revoked): back to the sign-in form, saying why.
    // Not a refused sign-in (wrong password): that answer is the form's own, and rebuilding the
    // form had emptied the user name and lost the focus (UX probe).
    if (response.status === 401 && path !== LOGIN_PATH) {
      setToken(null);
      sessionStorage.setItem(REFUSED_KEY, failure.message);
      window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: failure.message }));
    }
    throw failure;
  }
  return body as T;
}

/**
 * Revokes the stored token on the server (POST /auth/logout): a copy of it stops working too.
 * True once the server took it (204; 401: the token works nowhere already; 404: an API run
 * offline, without sign-outs); false when it did not (a 503, no answer): the page keeps the
 * token and says so, rather than telling the user they are signed out while it still works.
 */
export async function revokeToken(): Promise<boolean> {
  const t = token();
  if (!t) return true;
  try {
    const r = await fetch('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${t}` } });
    return r.status === 204 || r.status === 401 || r.status === 404;
  } catch {
    return false;
  }
}

/** Fired when the server refused the token; `detail` is its reason. */
export const SIGNED_OUT_EVENT = 'va:signed-out';

/**
 * Why the last token was refused ('' after a sign-in): every view that lands on the sign-in form
 * says it, after a reload too (it was a module variable, lost when the page reloaded).
 */
export function refusalReason(): string {
  return token() ? '' : (sessionStorage.getItem(REFUSED_KEY) ?? '');
}

/** What to show a user for a failed request: the message and the server's details (field: problem). */
export function describeError(error: unknown): string {
  const message = (error as Error).message;
  const details = error instanceof ApiError ? error.details : [];
  return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
}

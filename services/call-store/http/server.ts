// The QA HTTP server: the JSON API (bearer auth, validated input, typed errors → precise 4xx) and
// the built review page (static files under /qa/, no CDN). I/O: listens on a TCP port, reads the
// built page files.
import { attachmentDisposition } from './attachment.ts';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from '../../shared/listen.ts';
import { join, normalize, sep } from 'node:path';
import { databaseBusy } from './database-busy.ts';
import { StoreError, type StoreErrorCode } from '../errors.ts';
import type { CallStore } from '../store.ts';
import {
  clientAddress,
  createLoginLimiter,
  retryAfterSeconds,
  type LoginLimiter,
} from '../../shared/auth/login-limiter.ts';
import type { PasswordCheck } from '../../shared/auth/password-login.ts';
import type { TokenOptions } from '../../shared/auth/tokens.ts';
import { verifyBearer, type RevokedTokens } from './auth.ts';
import { signOut, type SignOut } from './logout.ts';
import { login } from './login.ts';
import { handleInternal, isInternalPath } from './internal.ts';
import { CsvBody, isApiPath, matchRoute, routeLabel, type ApiResponse } from './routes.ts';
import { API_HEADERS, pageHeaders } from '../../shared/http-security-headers.ts';
import { contentTypeOf } from '../../shared/content-type.ts';
import { CONTROL_CHARACTER } from '../../shared/call-metadata.ts';
import { nulPath } from '../nul-path.ts';
import { nestedDeeperThan } from '../../shared/json-depth.ts';

/** No body of the API nests deeper than a few levels (a survey list: 3). */
const MAX_BODY_NESTING = 16;

export interface QaServerOptions {
  store: CallStore;
  tokens: TokenOptions;
  /** The key of the /internal/ route's service tokens (SERVICE_TOKEN_SECRET); default tokens.secret. */
  serviceKey?: Uint8Array;
  /** The key it replaced during a rotation (verified only); default tokens.previousSecret. */
  servicePreviousKey?: Uint8Array;
  port: number;
  host?: string;
  /** Folder of the built review page (vite output); absent = API only. */
  webRoot?: string;
  maxBodyBytes?: number;
  /** Enables POST /auth/login (demo users); absent = tokens come from elsewhere. */
  login?: PasswordCheck;
  /** Failed-login throttling of /auth/login; default: the shared limiter's default limits. */
  loginLimiter?: LoginLimiter;
  /**
   * The revoked tokens (va.revocations.v1): refused by the API, and POST /auth/logout revokes the
   * caller's token. Absent (offline, some tests): tokens are good until they expire, no logout.
   */
  revocations?: RevokedTokens & SignOut;
  /** Proxies whose X-Forwarded-For names the client (LOGIN_TRUSTED_PROXIES). */
  trustedProxies?: readonly string[];
  /** Called once per API request (metrics). */
  observe?: (route: string, status: number, seconds: number) => void;
  /**
   * Called once per authenticated API request: who read or changed what (the access audit the
   * service logs as `qa access`). The call id is given for /calls/{id} routes; a customer route's
   * pseudonym never.
   */
  audit?: (entry: AccessAudit) => void;
  onError?: (error: unknown) => void;
}

export interface AccessAudit {
  userId: string;
  role: string;
  /** The tenant the request is scoped to: the caller's, or the one an every-tenant admin named. */
  tenant: string;
  method: string;
  /** The route template (`GET /calls/:id/export`), as the metrics label it. */
  route: string;
  callId?: string;
  /** The tenant a /tenants/{tenant} route changes (retention). */
  targetTenant?: string;
  status: number;
}

export interface QaServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

const STATUS: Record<StoreErrorCode, number> = {
  INVALID_RECORD: 400,
  INVALID_QUERY: 400,
  INVALID_BODY: 400,
  INVALID_CURSOR: 400,
  INVALID_ANALYSIS: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_ALERT: 404, // a call the reader may see, without that alert
  AMBIGUOUS_CALL: 409,
  AMBIGUOUS_AGENT: 409,
  AMBIGUOUS_CUSTOMER: 409,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  STORE_OPEN_FAILED: 503, // start-up only: never answered, the service exits
  STORE_LOCKED: 503, // start-up only, as STORE_OPEN_FAILED
  SCHEMA_TOO_NEW: 503, // start-up only, as STORE_OPEN_FAILED
  SCHEMA_BEHIND: 503, // start-up only, as STORE_OPEN_FAILED
  MIGRATION_VERSION_TAKEN: 503, // start-up only, as STORE_OPEN_FAILED
  MIGRATION_NAME_MISMATCH: 503, // start-up only, as STORE_OPEN_FAILED
  MIGRATION_FAILED: 503, // start-up only, as STORE_OPEN_FAILED
  ERASURE_NOT_ANNOUNCED: 503,
  REVOCATIONS_NOT_READ: 503, // just started: the revoked tokens are still being read
  SIGN_OUT_NOT_RECORDED: 503, // the broker did not take the revocation: the token still works
  DATABASE_BUSY: 503, // statement or connection timeout (database-busy.ts)
};

/** The QA pages set style attributes (dom.ts): inline styles allowed, nothing else inline. */
const PAGE_HEADERS = pageHeaders("'self' 'unsafe-inline'");

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...API_HEADERS,
    ...extra,
  });
  res.end(JSON.stringify(body));
}

/**
 * The headers an error's status asks for: Allow (405), Retry-After (429), WWW-Authenticate (401),
 * and Connection: close for a body too large (413): the rest of it is never read, so the
 * connection cannot carry another request (a client that reused it got ECONNRESET).
 */
function errorHeaders(error: StoreError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.code === 'PAYLOAD_TOO_LARGE') headers.connection = 'close';
  if (error.allow) headers.allow = error.allow.join(', ');
  if (error.retryAfterMs) headers['retry-after'] = retryAfterSeconds(error.retryAfterMs);
  if (STATUS[error.code] === 401) headers['www-authenticate'] = 'Bearer';
  return headers;
}

/** The API's own errors, and a database timeout as one (database-busy.ts); null = a defect (500). */
function answerable(error: unknown): StoreError | null {
  return error instanceof StoreError ? error : databaseBusy(error);
}

function errorBody(error: StoreError) {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

export function parseQuery(search: URLSearchParams): Record<string, string> {
  // No prototype: "constructor" or "__proto__" is a parameter name like any other.
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of search) {
    if (Object.hasOwn(query, key))
      throw new StoreError('INVALID_QUERY', 'invalid query', [`${key}: given more than once`]);
    if (CONTROL_CHARACTER.test(key) || CONTROL_CHARACTER.test(value))
      throw new StoreError('INVALID_QUERY', 'invalid query', [`${key}: contains a control character`]);
    query[key] = value;
  }
  return query;
}

/** The body as JSON, or as text when the route takes CSV and the client sends text/csv. */
async function readBody(req: IncomingMessage, maxBytes: number, acceptsCsv = false): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const csv = acceptsCsv && type === 'text/csv';
  if (type !== 'application/json' && !csv)
    throw new StoreError(
      'UNSUPPORTED_MEDIA_TYPE',
      acceptsCsv ? 'body must be application/json or text/csv' : 'body must be application/json',
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new StoreError('PAYLOAD_TOO_LARGE', `body larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (csv) return new CsvBody(text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new StoreError('INVALID_BODY', 'body is not valid JSON', ['(root): JSON syntax error']);
  }
  if (nestedDeeperThan(body, MAX_BODY_NESTING))
    throw new StoreError('INVALID_BODY', 'invalid body', [
      `(root): nested deeper than ${MAX_BODY_NESTING} levels`,
    ]);
  const nul = nulPath(body, '');
  if (nul !== null)
    throw new StoreError('INVALID_BODY', 'invalid body', [`${nul.slice(1) || '(root)'}: contains NUL`]);
  return body;
}

function serveStatic(res: ServerResponse, webRoot: string, path: string): boolean {
  const relative = path === '/qa' || path === '/qa/' ? 'index.html' : path.slice('/qa/'.length);
  const file = normalize(join(webRoot, relative));
  if (!file.startsWith(normalize(webRoot) + sep) || !existsSync(file) || !statSync(file).isFile())
    return false;
  res.writeHead(200, {
    'content-type': contentTypeOf(file),
    'cache-control': relative === 'index.html' ? 'no-cache' : 'public, max-age=3600',
    ...PAGE_HEADERS,
  });
  createReadStream(file).pipe(res);
  return true;
}

export async function startQaServer(options: QaServerOptions): Promise<QaServer> {
  const context: QaContext = {
    options,
    maxBody: options.maxBodyBytes ?? 64 * 1024,
    loginLimiter: options.loginLimiter ?? createLoginLimiter(),
  };
  const server = createServer((req, res) => {
    route(context, req, res).catch((error) => {
      options.onError?.(error);
      if (!res.headersSent) sendInternalError(res);
    });
  });
  return listen(server, options.port, options.host ?? '127.0.0.1');
}

/** What every handler needs: the options and what startQaServer derived from them. */
interface QaContext {
  options: QaServerOptions;
  maxBody: number;
  loginLimiter: LoginLimiter;
}

/** One request and its parsed URL, as the handlers below take it. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
}

/** The route table: login, internal service API, pages (and 404), then the bearer JSON API. */
async function route(context: QaContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const ex: Exchange = { req, res, url, method: req.method ?? 'GET' };
  const path = url.pathname;
  if (path === '/auth/login' && context.options.login) return serveLogin(context, ex, context.options.login);
  if (path === '/auth/logout' && context.options.revocations)
    return serveLogout(context.options.tokens, context.options.revocations, ex);
  if (isInternalPath(path)) return serveInternal(context.options, ex);
  if (!isApiPath(path)) return servePage(context.options, ex);
  return serveApi(context, ex);
}

/** POST /auth/login; a StoreError (throttling included) becomes its status, with Retry-After. */
async function serveLogin(context: QaContext, ex: Exchange, check: PasswordCheck): Promise<void> {
  const { options } = context;
  const { req, res, method } = ex;
  try {
    if (method !== 'POST')
      throw new StoreError('METHOD_NOT_ALLOWED', `${method} not allowed on ${ex.url.pathname}`, [], {
        allow: ['POST'],
      });
    const address = clientAddress(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      options.trustedProxies ?? [],
    );
    const input = await readBody(req, 4096);
    sendJson(res, 200, await login(check, options.tokens, input, { limiter: context.loginLimiter, address }));
  } catch (caught) {
    const error = answerable(caught);
    if (!error) throw caught;
    sendJson(res, STATUS[error.code] ?? 400, errorBody(error), errorHeaders(error));
  }
}

/** POST /auth/logout (logout.ts): 204 once every instance will refuse the token. */
async function serveLogout(
  tokens: TokenOptions,
  revocations: RevokedTokens & SignOut,
  ex: Exchange,
): Promise<void> {
  const { req, res, method } = ex;
  try {
    if (method !== 'POST')
      throw new StoreError('METHOD_NOT_ALLOWED', `${method} not allowed on ${ex.url.pathname}`, [], {
        allow: ['POST'],
      });
    // A bare POST (no body, no type) is a sign-out of this token, as `{}` is.
    const bare = req.headers['content-type'] === undefined && (req.headers['content-length'] ?? '0') === '0';
    const body = bare ? undefined : await readBody(req, 1024);
    await signOut(req.headers.authorization, body, tokens, revocations);
    res.writeHead(204).end();
  } catch (caught) {
    const error = answerable(caught);
    if (!error) throw caught;
    sendJson(res, STATUS[error.code] ?? 400, errorBody(error), errorHeaders(error));
  }
}

/** The service-to-service API under /internal/ (service tokens, see internal.ts), observed as one route. */
async function serveInternal(options: QaServerOptions, ex: Exchange): Promise<void> {
  const { req, res, url, method } = ex;
  const started = performance.now();
  let status = 500;
  try {
    const tokens = {
      secret: options.serviceKey ?? options.tokens.secret,
      previousSecret: options.serviceKey ? options.servicePreviousKey : options.tokens.previousSecret,
      issuer: options.tokens.issuer,
    };
    const query = parseQuery(url.searchParams);
    const result = await handleInternal(
      method,
      url.pathname,
      query,
      req.headers.authorization,
      options.store,
      tokens,
    );
    status = result.status;
    sendJson(res, status, result.body);
  } catch (caught) {
    const error = answerable(caught);
    if (!error) throw caught;
    status = STATUS[error.code] ?? 400;
    sendJson(res, status, errorBody(error), errorHeaders(error));
  } finally {
    options.observe?.(
      `${method} /internal/customers/:ref/history`,
      status,
      (performance.now() - started) / 1000,
    );
  }
}

/** The built review page under /qa/, a redirect from / to it, 404 for anything else. */
function servePage(options: QaServerOptions, ex: Exchange): void {
  const { res, method } = ex;
  const path = ex.url.pathname;
  if (options.webRoot && (method === 'GET' || method === 'HEAD') && path.startsWith('/qa')) {
    if (serveStatic(res, options.webRoot, path)) return;
  }
  if (path === '/' && options.webRoot) {
    res.writeHead(302, { location: '/qa/' }).end();
    return;
  }
  sendJson(res, 404, errorBody(new StoreError('NOT_FOUND', `no route ${path}`)));
}

/** The bearer-authenticated JSON API (routes.ts); every request observed under its route label. */
async function serveApi(context: QaContext, ex: Exchange): Promise<void> {
  const { options } = context;
  const { req, res, url, method } = ex;
  const path = url.pathname;
  const started = performance.now();
  let route = 'unmatched';
  let status = 500;
  let audit: Omit<AccessAudit, 'status'> | null = null;
  try {
    const { handler, params, bodyLimit } = matchRoute(method, path);
    route = routeLabel(method, path);
    const principal = await verifyBearer(req.headers.authorization, options.tokens, options.revocations);
    // Before the query is checked: a refused query is audited too.
    audit = {
      userId: principal.userId,
      role: principal.role,
      // The caller's own, or (an admin of every tenant) the one named, as the scope check reads it.
      tenant:
        principal.tenant === '*' ? (url.searchParams.get('tenant') ?? '*').slice(0, 64) : principal.tenant,
      method,
      route,
      ...(path.startsWith('/calls/') && params[0] !== undefined ? { callId: params[0] } : {}),
      ...(path.startsWith('/tenants/') && params[0] !== undefined ? { targetTenant: params[0] } : {}),
    };
    const query = parseQuery(url.searchParams);
    const body =
      method === 'POST' || method === 'PUT'
        ? await readBody(req, bodyLimit?.maxBytes ?? context.maxBody, bodyLimit?.acceptsCsv)
        : undefined;
    const result = await handler({ method, path, query, body, principal }, params, options.store);
    status = result.status;
    sendApiResult(res, result);
  } catch (caught) {
    const error = answerable(caught);
    if (error) {
      status = STATUS[error.code] ?? 400;
      sendJson(res, status, errorBody(error), errorHeaders(error));
    } else {
      status = 500;
      options.onError?.(caught);
      sendInternalError(res);
    }
  } finally {
    options.observe?.(route, status, (performance.now() - started) / 1000);
    if (audit) options.audit?.({ ...audit, status });
  }
}

/** A route's answer: JSON, or a typed body (CSV export…), as an attachment when it names a file. */
function sendApiResult(res: ServerResponse, result: ApiResponse): void {
  const disposition = result.filename
    ? { 'content-disposition': attachmentDisposition(result.filename) }
    : undefined;
  if (!result.contentType) return sendJson(res, result.status, result.body, disposition);
  res.writeHead(result.status, {
    'content-type': result.contentType,
    'cache-control': 'no-store',
    ...API_HEADERS,
    ...disposition,
  });
  res.end(result.body as string);
}

function sendInternalError(res: ServerResponse): void {
  sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error', details: [] } });
}

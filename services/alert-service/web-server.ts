// Public HTTP server of the alert-service: the built pages (login, wallboard, agent view), the
// demo login endpoint (POST /api/login -> signed token), the sign-out (POST /api/logout,
// logout.ts) and the WebSocket upgrade on /ws.
// I/O: listens on a TCP port, reads page files from the built web folder.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from '../shared/listen.ts';
import { join, normalize, resolve } from 'node:path';
import { z } from 'zod';
import { clientAddress, retryAfterSeconds, type LoginLimiter } from '../shared/auth/login-limiter.ts';
import { attemptLogin, passwordCheck } from '../shared/auth/password-login.ts';
import type { Auth } from '../shared/auth/tokens.ts';
import type { DemoUser } from '../shared/auth/users.ts';
import type { Hub } from './hub.ts';
import { logout } from './logout.ts';
import type { TokenRevoked } from '../shared/records.ts';
import { contentTypeOf } from '../shared/content-type.ts';
import { API_HEADERS, pageHeaders } from '../shared/http-security-headers.ts';

/** The pages load only their own styles (no inline ones). */
const PAGE_HEADERS = pageHeaders("'self'");

const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export interface WebServerOptions {
  host: string;
  port: number;
  webDir: string;
  users: Map<string, DemoUser>;
  auth: Auth;
  hub: Hub;
  /** Failed logins per account and per client address (services/shared/auth/login-limiter.ts). */
  loginLimiter: LoginLimiter;
  /** Proxies whose X-Forwarded-For names the client (LOGIN_TRUSTED_PROXIES). */
  trustedProxies: readonly string[];
  onLogin?: (outcome: 'ok' | 'denied' | 'rate_limited' | 'bad_request') => void;
  /** Records a sign-out for every instance (the revocation feed); absent: no POST /api/logout. */
  revoke?: (revocation: TokenRevoked) => Promise<void>;
  /** A request handler failed unexpectedly (answered 500; the process carries on). */
  onError?: (error: unknown) => void;
}

export interface WebServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...API_HEADERS,
      ...headers,
    })
    .end(JSON.stringify(body));
}

/** The body as text, or null when it passes `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const LOGIN_BODY_MAX_BYTES = 4096;
const LOGOUT_BODY_MAX_BYTES = 1024;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const root = resolve(options.webDir);
  const report = options.onLogin ?? (() => undefined);
  const check = passwordCheck(options.users);

  async function login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // As the call store's /auth/login answers: JSON only (415), at most 4 KB (413).
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      report('bad_request');
      return json(response, 415, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'body must be application/json',
      });
    }
    const text = await readBody(request, LOGIN_BODY_MAX_BYTES);
    if (text === null) {
      report('bad_request');
      // The unread rest of the body makes the connection unusable for another request.
      return json(
        response,
        413,
        { code: 'PAYLOAD_TOO_LARGE', message: `body larger than ${LOGIN_BODY_MAX_BYTES} bytes` },
        { connection: 'close' },
      );
    }
    let parsed;
    try {
      parsed = loginBody.safeParse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      report('bad_request');
      return json(response, 400, { code: 'BAD_REQUEST', message: 'send JSON {"username", "password"}' });
    }
    const { username, password } = parsed.data;
    const address = clientAddress(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      options.trustedProxies,
    );
    const outcome = await attemptLogin(check, options.loginLimiter, { username, password, address });
    report(outcome.kind);
    if (outcome.kind === 'rate_limited') {
      response.setHeader('retry-after', retryAfterSeconds(outcome.retryAfterMs));
      return json(response, 429, {
        code: 'RATE_LIMITED',
        message: `too many failed logins for this ${outcome.limitedBy}, try again later`,
      });
    }
    if (outcome.kind === 'denied') {
      return json(response, 401, { code: 'LOGIN_FAILED', message: 'wrong username or password' });
    }
    const { user } = outcome;
    const token = await options.auth.issue(user.principal, user.displayName);
    json(response, 200, { token, role: user.principal.role, displayName: user.displayName });
  }

  async function signOut(
    request: IncomingMessage,
    response: ServerResponse,
    revoke: (revocation: TokenRevoked) => Promise<void>,
  ): Promise<void> {
    const text = await readBody(request, LOGOUT_BODY_MAX_BYTES);
    if (text === null)
      return json(
        response,
        413,
        { code: 'PAYLOAD_TOO_LARGE', message: `body larger than ${LOGOUT_BODY_MAX_BYTES} bytes` },
        { connection: 'close' },
      );
    const answer = await logout(request.headers.authorization, text, options.auth, revoke);
    if (answer.body) json(response, answer.status, answer.body);
    else response.writeHead(answer.status, { 'cache-control': 'no-store', ...API_HEADERS }).end();
  }

  function serveFile(request: IncomingMessage, response: ServerResponse, path: string): void {
    const page = path === '/' ? '/index.html' : path;
    const decoded = decodePath(page);
    if (decoded === null)
      return json(response, 400, { code: 'BAD_REQUEST', message: 'malformed percent-encoding in the path' });
    const file = normalize(join(root, decoded));
    if (!file.startsWith(root + '/') || !existsSync(file) || !statSync(file).isFile()) {
      const missing = !existsSync(join(root, 'index.html'));
      response
        .writeHead(missing ? 503 : 404, { 'content-type': 'text/plain; charset=utf-8', ...API_HEADERS })
        .end(missing ? 'pages not built: run `npm run build:web`\n' : 'not found\n');
      return;
    }
    response.writeHead(200, {
      'content-type': contentTypeOf(file),
      'cache-control': file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...PAGE_HEADERS,
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  }

  const server = createServer((request, response) => {
    try {
      route(request, response);
    } catch (error) {
      // A synchronous throw here would be an uncaught exception: the whole process (every
      // wallboard's WebSocket) must not end because of one request.
      options.onError?.(error);
      if (!response.headersSent) json(response, 500, { code: 'INTERNAL', message: 'request failed' });
      else response.destroy();
    }
  });

  function route(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/api/login') {
      if (request.method !== 'POST')
        return json(response, 405, { code: 'METHOD_NOT_ALLOWED', message: 'POST only' }, { allow: 'POST' });
      login(request, response).catch(() =>
        json(response, 500, { code: 'INTERNAL', message: 'login failed' }),
      );
      return;
    }
    if (path === '/api/logout' && options.revoke) {
      if (request.method !== 'POST')
        return json(response, 405, { code: 'METHOD_NOT_ALLOWED', message: 'POST only' }, { allow: 'POST' });
      signOut(request, response, options.revoke).catch((error: unknown) => {
        options.onError?.(error);
        json(response, 500, { code: 'INTERNAL', message: 'sign-out failed' });
      });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return json(response, 405, { code: 'METHOD_NOT_ALLOWED', message: 'GET only' }, { allow: 'GET, HEAD' });
    serveFile(request, response, path);
  }
  server.on('upgrade', (request, socket, head) => {
    if ((request.url ?? '').split('?')[0] !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    options.hub.handleUpgrade(request, socket, head);
  });
  return listen(server, options.port, options.host);
}

/** The decoded path, or null for malformed percent-encoding (`/%E0%A4%A`: URIError). */
export function decodePath(path: string): string | null {
  try {
    const decoded = decodeURIComponent(path);
    // A NUL byte reaches the file system calls as an invalid argument: treat it as malformed too.
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

// Small HTTP server of every service: GET /metrics (the service's prom-client registry),
// /healthz (process alive) and /readyz (all readiness checks pass). I/O: listens on a TCP port.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { listen } from './listen.ts';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface OpsServer {
  readonly port: number;
  readonly server: Server;
  /** Adds a named readiness check; /readyz answers 503 naming the failing ones. */
  addReadiness(name: string, check: ReadinessCheck): void;
  close(): Promise<void>;
}

export async function startOpsServer(options: {
  port: number;
  host?: string;
  registry: Registry;
}): Promise<OpsServer> {
  const checks = new Map<string, ReadinessCheck>();
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      const allow = status === 405 ? { allow: 'GET, HEAD' } : {};
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...allow }).end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => send(200, text, options.registry.contentType),
        (error: Error) => send(500, `metrics failed: ${error.message}\n`),
      );
    } else if (path === '/healthz') {
      send(200, 'ok\n');
    } else if (path === '/readyz') {
      const names = [...checks.keys()];
      Promise.all([...checks.values()].map(async (check) => Boolean(await check()).valueOf()))
        .catch(() => names.map(() => false))
        .then((results) => {
          const failing = names.filter((_, index) => !results[index]);
          if (failing.length === 0) send(200, 'ready\n');
          else send(503, `not ready: ${failing.join(', ')}\n`);
        });
    } else {
      send(404, 'not found\n');
    }
  });
  const listening = await listen(server, options.port, options.host ?? '0.0.0.0');
  return { ...listening, addReadiness: (name, check) => void checks.set(name, check) };
}

// A router's side of the routing-service's webhook, for tests: a real local HTTP receiver that
// records each request, and the signature check a router makes. I/O: an HTTP server.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver; `answer` decides each response (status after an optional delay). */
export async function receiver(
  answer: () => { status: number; delayMs?: number; headers?: Record<string, string> },
) {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, delayMs = 0, headers = {} } = answer();
      setTimeout(() => res.writeHead(status, headers).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.closeAllConnections?.();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hints`, requests };
}

/**
 * What a router does with X-VA-Signature (Stripe's scheme): recompute the HMAC over "<t>.<body>"
 * with its key and accept when any `v1` matches (one per key during a rotation), in constant time.
 */
export function signatureValid(headers: IncomingHttpHeaders, body: string, secret: string): boolean {
  const match = /^t=(\d+)((?:,v1=[0-9a-f]{64})+)$/.exec(String(headers['x-va-signature'] ?? ''));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  const macs = match[2].split(',v1=').slice(1);
  return (
    macs.some((mac) => timingSafeEqual(expected, Buffer.from(mac, 'hex'))) &&
    Math.abs(Date.now() / 1000 - Number(match[1])) < 300
  );
}

// The gateway started (its real main.ts, in a child process) on a gRPC port another process holds:
// it exits with one JSON line naming GRPC_LISTEN_FAILED and the address, and every line it
// writes is JSON (grpc-js's own plain-text report of the failed bind goes through our logger).
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../../../devkit/pipeline/harness.ts';
import { uniqueName } from '../../support/kafka.ts';

let holder: Server | undefined;
let gateway: ServiceProcess | undefined;
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
});

describe('ingest gateway on a gRPC port already in use', () => {
  it('exits 1 with one GRPC_LISTEN_FAILED line, and writes JSON lines only', async () => {
    holder = createServer();
    const port = await new Promise<number>((resolve) =>
      holder?.listen(0, '127.0.0.1', () => resolve((holder?.address() as { port: number }).port)),
    );
    gateway = startServiceProcess('ingest-gateway', {
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      TENANT_TOKENS: 'acme=acme-token-0123456789',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(port),
      AUDIO_TOPIC: uniqueName('test.audio'),
      CALLS_TOPIC: uniqueName('test.calls'),
    });
    const code = await new Promise<number | null>((resolve) => gateway?.child.once('exit', resolve));
    const lines = gateway.output().trim().split('\n');
    expect(code, gateway.output()).toBe(1);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.code);
    expect(failure).toMatchObject({ level: 'error', service: 'ingest-gateway', code: 'GRPC_LISTEN_FAILED' });
    expect(String(failure?.msg)).toContain(`127.0.0.1:${port}`);
  });
});

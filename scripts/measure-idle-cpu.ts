// `sh scripts/node24.sh scripts/measure-idle-cpu.ts [--seconds 60] [--service dsp-worker]`: the CPU
// one connected service burns with no traffic. Starts a broker and the service, lets it settle, then reads its CPU time from /proc
// over the interval and counts TimeoutNegativeWarning lines in its output. Prints one JSON object.
// I/O: processes, Kafka, /proc.
import { readFileSync } from 'node:fs';
import { parseCli } from '../services/shared/cli-args.ts';
import { findBroker } from '../devkit/kafka/find-broker.ts';
import { freePort } from '../devkit/free-port.ts';
import { startServiceProcess } from '../devkit/pipeline/harness.ts';
import { waitFor } from '../services/shared/wait-for.ts';
import { cpuSeconds } from '../devkit/pipeline/proc-stats.ts';

const USAGE = 'usage: sh scripts/node24.sh scripts/measure-idle-cpu.ts [--seconds 60] [--service dsp-worker]';
const { values } = parseCli('measure-idle-cpu', USAGE, {
  options: {
    seconds: { type: 'string', default: '60' },
    service: { type: 'string', default: 'dsp-worker' },
  },
});
const seconds = Math.max(5, Number(values.seconds) || 60);
const SETTLE_MS = 10_000;
// Which kafkajs the service runs: patched by scripts/patch-kafkajs.js or as published.
const patched = readFileSync('node_modules/kafkajs/src/network/requestQueue/index.js', 'utf8').includes(
  'voice-analytics patch',
);

const broker = await findBroker();
const service = startServiceProcess(values.service, {
  KAFKA_BROKERS: broker.brokers.join(','),
  HTTP_PORT: String(await freePort()),
  // What the ingest gateway needs to start (the other services ignore them).
  GRPC_HOST: '127.0.0.1',
  GRPC_PORT: String(await freePort()),
  TENANT_TOKENS: 'idle=measure-idle-cpu-token',
  // Warnings are what this counts: Node prints TimeoutNegativeWarning on stderr whatever the level.
  LOG_LEVEL: 'warn',
});
try {
  const port = await service.port;
  await waitFor(
    `${values.service} ready`,
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok,
    60_000,
  );
  // Start-up (group join, topic metadata) is not idle: wait for it to pass.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const pid = service.child.pid as number;
  const before = cpuSeconds(pid) ?? NaN;
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const wall = (performance.now() - startedAt) / 1000;
  const used = (cpuSeconds(pid) ?? NaN) - before;
  console.log(
    JSON.stringify({
      service: values.service,
      kafkajs_patched: patched,
      idle_seconds: Math.round(wall * 10) / 10,
      cpu_seconds: Math.round(used * 100) / 100,
      cpu_percent_of_one_core: Math.round((used / wall) * 1000) / 10,
      timeout_negative_warnings: (service.output().match(/TimeoutNegativeWarning/g) ?? []).length,
    }),
  );
} finally {
  // The service before the broker: otherwise it logs connection errors while it stops.
  await service.stop('SIGTERM');
  await broker.stop();
}

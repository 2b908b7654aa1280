// Broker reachability for /readyz: kafkajs emits DISCONNECT only when the client itself calls
// disconnect(), never when the broker goes away, so readiness asks the broker instead: one
// metadata request (describeCluster) every few seconds on a dedicated admin client, with a
// deadline. I/O: Kafka admin connection.
import type { Admin, Kafka } from 'kafkajs';
import { startPeriodicProbe, type PeriodicProbe, type ProbeOptions } from './periodic-probe.ts';

export function startBrokerProbe(
  kafka: Kafka,
  options: Pick<ProbeOptions, 'intervalMs' | 'timeoutMs' | 'initiallyReady'> = {},
): PeriodicProbe {
  let admin: Admin | null = null;
  const drop = async (): Promise<void> => {
    const old = admin;
    admin = null;
    await old?.disconnect();
  };
  return startPeriodicProbe(
    async () => {
      // No retries: a failed probe is an answer; the next one comes after intervalMs anyway.
      admin ??= kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      await admin.describeCluster();
    },
    // A fresh connection after a failure: kafkajs may keep a dead socket once the broker left.
    { ...options, onFailure: drop, onStop: drop },
  );
}

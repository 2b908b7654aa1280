// Against the real process: `GET /%E0%A4%A` (malformed percent-encoding) used to
// throw URIError in a synchronous handler and kill the alert service; it now answers 400 and the
// process keeps serving. And a restarted instance joins the same fan-out group instead of leaving
// one more group behind at every start.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../devkit/free-port.ts';
import { startServiceProcess, type ServiceProcess } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { createKafka } from '../../../services/shared/kafka-client.ts';
import { uniqueName } from '../../support/kafka.ts';

const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop('SIGKILL')));
});

async function startAlerts(env: Record<string, string>): Promise<ServiceProcess> {
  const service = startServiceProcess('alert-service', {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    ALERT_HOST: '127.0.0.1',
    JWT_SECRET: 'bad-url-test-key-bad-url-test-key-0123456',
    ...env,
  });
  running.push(service);
  const opsPort = await service.port;
  await waitFor(
    'alert service ready',
    async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`).catch(() => null))?.ok,
    90_000,
  );
  return service;
}

describe('alert service robustness', () => {
  it('answers 400 to a malformed percent-encoded path and stays alive; a restart reuses its fan-out group', async () => {
    const p = uniqueName('sec-url');
    const alertPort = await freePort();
    const env = {
      ALERT_PORT: String(alertPort),
      ALERT_GROUP_ID: `${p}.eval`,
      ALERT_FANOUT_GROUP_PREFIX: `${p}.fanout`,
    };
    const first = await startAlerts(env);

    for (const path of ['/%E0%A4%A', '/%', '/assets/%ZZ', '/%00']) {
      const response = await fetch(`http://127.0.0.1:${alertPort}${path}`);
      expect(response.status, path).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'BAD_REQUEST' });
    }
    // Still alive and serving: the page server answers and the process has not exited.
    expect([200, 503]).toContain((await fetch(`http://127.0.0.1:${alertPort}/`)).status);
    expect(first.child.exitCode).toBeNull();

    await first.stop('SIGTERM');
    await startAlerts(env);
    const admin = createKafka({ clientId: 'va-test', brokers: inject('kafkaBrokers') }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const fanoutGroups = groups.map((g) => g.groupId).filter((id) => id.startsWith(`${p}.fanout`));
      expect(fanoutGroups).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });
});

// The live history line when a call's consent leaves the history mid-call (history_opt_out set):
// the line shown goes, and a lookup still in flight shows nothing when it answers; a call whose
// consent changed otherwise keeps its line. Against a real local HTTP history route.
import { createServer } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAlertServiceConfig } from '../../../../services/alert-service/config.ts';
import { startHistoryLines } from '../../../../services/alert-service/history-lines.ts';
import type { Hub } from '../../../../services/alert-service/hub.ts';
import { listen } from '../../../../services/shared/listen.ts';
import { createLogger } from '../../../../services/shared/logger.ts';
import type { ServiceBase } from '../../../../services/shared/service-base.ts';
import { callEventRecord } from '../../../../devkit/records/call-event.ts';
import { HISTORY_SUMMARY } from '../../../../devkit/records/history-summary.ts';

/** A pseudonym per call: each call is another customer's. */
const refOf = (callId: string) => `cref1_${callId.padEnd(43, 'B').slice(0, 43)}`;
const SUMMARY = { ...HISTORY_SUMMARY, line: '3rd call in 7 days · last call ended angry' };
let server: { port: number; close(): Promise<void> } | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function historyLines() {
  // The route answers after 200 ms: the consent change lands while the lookup is in flight.
  const http = createServer((_req, res) => {
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SUMMARY)),
      200,
    );
  });
  server = await listen(http, 0, '127.0.0.1');
  const config = loadAlertServiceConfig({
    KAFKA_BROKERS: 'k:1',
    JWT_SECRET: 'history-opt-out-test-secret-0123456789',
    ALERT_HISTORY_URL: `http://127.0.0.1:${server.port}`,
  });
  const lines: { callId: string; line: string }[] = [];
  const hub = {
    publishHistory: (_tenant: string, callId: string, line: string) => (lines.push({ callId, line }), true),
  } as unknown as Hub;
  const base = {
    logger: createLogger({ service: 'alert-service', level: 'error' }),
    metrics: { registry: new Registry() },
  } as unknown as ServiceBase;
  const onCallEvent = startHistoryLines(config, base, hub)!;
  const event = (callId: string, over: Parameters<typeof callEventRecord>[1] = {}) =>
    onCallEvent(callEventRecord(callId, { customerRef: refOf(callId), agentId: 'agent-1', ...over }));
  return { event, lines };
}

const changed = (consent: object) => ({
  type: 'consent-changed' as const,
  consent: { analytics: true, storeFeatures: true, historyOptOut: false, ...consent },
});

describe('alert service history line and a consent changed mid-call', () => {
  it('clears the line of a call that leaves the history, and its lookup in flight shows nothing', async () => {
    const { event, lines } = await historyLines();
    event('opted-out');
    event('kept');
    event('opted-out', changed({ historyOptOut: true }));
    event('kept', changed({ storeFeatures: false }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(lines.filter((l) => l.callId === 'opted-out')).toEqual([{ callId: 'opted-out', line: '' }]);
    const kept = lines.filter((l) => l.callId === 'kept');
    expect(kept).toHaveLength(1);
    expect(kept[0].line).toContain('angry');
  });
});

// Review revgw30: since the gRPC server's stop leaves the adapters' calls live (d67a020), those
// calls still need the idle sweep (IDLE_TIMEOUT_MS) and the broker-outage cut that the gRPC
// server's timer runs for the whole shared registry; stop() cleared that timer with the server.
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { gatewayForFile } from './helpers.ts';
import { callSid, JAMBONZ_SOURCE, L16_GATEWAY_ENV, liveL16Call } from './l16ws-fixture.ts';

const suite = gatewayForFile(
  { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') },
  {
    ...L16_GATEWAY_ENV,
    IDLE_TIMEOUT_MS: '1000',
    L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE),
  },
);

describe('after a gRPC-only stop', () => {
  it('an adapter call that goes silent still ends at IDLE_TIMEOUT_MS', async () => {
    const socket = await liveL16Call(suite.gateway.l16ws?.port ?? 0, callSid(), 5);
    await suite.gateway.grpc.stop();
    const closed = await Promise.race([
      socket.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000)),
    ]);
    expect(closed).not.toBeNull();
  });
});

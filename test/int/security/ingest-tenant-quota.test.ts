// Over real gRPC and the real broker: MAX_LIVE_CALLS was shared by every
// tenant, so one tenant could take all of a gateway's calls and the others were refused. Now each
// tenant has a live-call quota: tenant A at its quota is refused with RESOURCE_EXHAUSTED naming the
// quota, tenant B still starts calls, and a call A ends frees a place for A.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { openCallStream, type CallStream } from '../../../services/simulator/ingest-client.ts';
import { uniqueName } from '../../support/kafka.ts';
import { gatewayForFile } from '../ingest/helpers.ts';
import { callStart } from './ingest-fixture.ts';

const TOKEN_A = 'quota-token-a-0123456789';
const TOKEN_B = 'quota-token-b-0123456789';
const topics = { audio: uniqueName('t.audio'), calls: uniqueName('t.calls') };

const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `tenant-a=${TOKEN_A},tenant-b=${TOKEN_B}`,
  TOPIC_PARTITIONS: '1',
  // Room for three calls in all: without quotas, tenant A's three would leave none for B.
  MAX_LIVE_CALLS: '3',
  MAX_LIVE_CALLS_PER_TENANT: '2',
});

/** Opens a stream and sends CallStart; resolves with the stream once the first ack or status came. */
async function startCall(token: string): Promise<CallStream> {
  const stream = openCallStream(suite.client, token);
  await stream.write(callStart('quota'));
  await Promise.race([stream.result, expect.poll(() => stream.acks.length).toBeGreaterThan(0)]);
  return stream;
}

describe('per-tenant live-call quotas', () => {
  it('refuses tenant A beyond its quota while tenant B still starts calls', async () => {
    const a1 = await startCall(TOKEN_A);
    const a2 = await startCall(TOKEN_A);
    expect([a1.acks[0]?.state, a2.acks[0]?.state]).toEqual(['CALL_STATE_ACTIVE', 'CALL_STATE_ACTIVE']);

    const a3 = await startCall(TOKEN_A);
    expect(await a3.result).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(
        /^TENANT_QUOTA_EXCEEDED: .*quota of 2 live calls \(MAX_LIVE_CALLS_PER_TENANT\)/,
      ),
    });

    const b1 = await startCall(TOKEN_B);
    expect(b1.acks[0]?.state).toBe('CALL_STATE_ACTIVE');

    // A call A ends gives A its place back.
    await a1.write({ end: { reason: 'hangup' } });
    expect((await a1.finish()).code).toBe(grpc.status.OK);
    const a4 = await startCall(TOKEN_A);
    expect(a4.acks[0]?.state).toBe('CALL_STATE_ACTIVE');
    for (const stream of [a2, b1, a4]) stream.cancel();
  });
});

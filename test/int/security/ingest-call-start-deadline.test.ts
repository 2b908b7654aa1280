// Over real gRPC and the real broker: a client that authenticates and then
// never sends CallStart used to hold its stream (and socket) forever, because only started calls
// are swept. Now the gateway ends it after CALL_START_TIMEOUT_MS with DEADLINE_EXCEEDED; a call
// that did start is not affected by that deadline.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  createIngestClient,
  openCallStream,
  type CallResult,
} from '../../../services/simulator/ingest-client.ts';
import { uniqueName } from '../../support/kafka.ts';
import { gatewayForFile } from '../ingest/helpers.ts';
import { callStart } from './ingest-fixture.ts';

const TOKEN = 'deadline-token-0123456789';
const topics = { audio: uniqueName('t.audio'), calls: uniqueName('t.calls') };

const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  CALL_START_TIMEOUT_MS: '500',
});

/** The stream's status, or 'still open' when the gateway leaves it open past `ms`. */
function within(result: Promise<CallResult>, ms: number): Promise<CallResult | 'still open'> {
  return Promise.race([result, new Promise<'still open'>((r) => setTimeout(r, ms, 'still open'))]);
}

describe('a stream that never sends CallStart', () => {
  it('is ended with DEADLINE_EXCEEDED (CALL_START_TIMEOUT) after the deadline', async () => {
    const client = createIngestClient(`127.0.0.1:${suite.gateway.grpc.port}`);
    const silent = openCallStream(client, TOKEN);
    const started = openCallStream(client, TOKEN);
    await started.write(callStart('started'));
    const outcome = await within(silent.result, 5_000);
    expect(outcome).toMatchObject({
      code: grpc.status.DEADLINE_EXCEEDED,
      details: expect.stringMatching(/^CALL_START_TIMEOUT/),
    });
    // The call that did start is still open (its idle timeout is the default 30 s).
    expect(await within(started.result, 200)).toBe('still open');
    started.cancel();
    client.close();
  });
});

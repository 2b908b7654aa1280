// Review revgw30: a Twilio call's reconnect must come from the account that started it. Two
// accounts of one tenant (subaccounts): account B's signed stream naming account A's CallSid took
// over A's dropped call (during a drain too, where the README says "same account, tracks and
// consent"), its audio appended to A's call. Real gateway, broker and sockets.
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { gatewayForFile } from './helpers.ts';
import { TOKEN } from './l16ws-fixture.ts';
import { connectTwilio, FRAME_BYTES, twilioAdapterEnv, twilioMessages, twilioSid } from './twilio-client.ts';

const ACCOUNT_A = twilioSid('AC');
const ACCOUNT_B = twilioSid('AC');
const TOKEN_A = 'a0ffee00c0ffee00c0ffee00c0ffee00';
const TOKEN_B = 'b0ffee00c0ffee00c0ffee00c0ffee00';
const PUBLIC_URL = 'wss://ingest.example.com';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const suite = gatewayForFile(
  { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') },
  {
    TENANT_TOKENS: `acme=${TOKEN}`,
    TOPIC_PARTITIONS: '1',
    MAX_STREAM_SPEED: '0',
    RECONNECT_GRACE_MS: '5000',
    ...twilioAdapterEnv(PUBLIC_URL, [
      { sid: ACCOUNT_A, tenant: 'acme', authToken: TOKEN_A },
      { sid: ACCOUNT_B, tenant: 'acme', authToken: TOKEN_B },
    ]),
  },
);

describe("Twilio: a dropped call's reconnect", () => {
  it('from another account of the same tenant does not continue the call', async () => {
    const callSid = twilioSid('CA');
    const audio = new Uint8Array(50 * FRAME_BYTES).fill(0x7f);
    const part = (accountSid: string) => ({
      accountSid,
      callSid,
      streamSid: twilioSid('MZ'),
      customParameters: { agentId: 'agent-7', consentAnalytics: 'true', consentStoreFeatures: 'true' },
      customer: audio,
      agent: audio,
    });
    const url = `ws://127.0.0.1:${suite.gateway.twilio?.port}/twilio`;
    const first = await connectTwilio(url, PUBLIC_URL, TOKEN_A);
    await first.send(twilioMessages(part(ACCOUNT_A)).slice(0, -1)); // no `stop`: the socket dies
    await sleep(200);
    first.ws.terminate();
    await sleep(300);
    const other = await connectTwilio(url, PUBLIC_URL, TOKEN_B);
    await other.send(twilioMessages(part(ACCOUNT_B)));
    const closed = await other.closed;
    // Continued, it ended the call with B's `stop` (1000 ENDED).
    expect(closed.code).not.toBe(1000);
  });
});

// Review revgw30: a dropped AudioHook conversation's reconnect must come from the organisation that
// started it. Two Genesys organisations of one tenant: org B's signed session naming org A's
// conversation took over A's dropped call (during a drain too, where README-audiohook says "a
// conversation of the organisation"), B's audio appended to A's call. Real gateway and broker.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { audioHookAdapterEnv, connectAudioHook, newAudioHookOrg, playCall } from './audiohook-client.ts';
import { gatewayForFile } from './helpers.ts';

const [A, B] = [newAudioHookOrg(), newAudioHookOrg()];
const suite = gatewayForFile(
  { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') },
  {
    TENANT_TOKENS: 'acme=acme-token-0123456789',
    ...audioHookAdapterEnv('acme', [A, B]),
    TOPIC_PARTITIONS: '1',
    MAX_STREAM_SPEED: '0',
    AUDIOHOOK_RECONNECT_GRACE_MS: '5000',
    AUDIOHOOK_CLOSE_TIMEOUT_MS: '300',
  },
);

describe("AudioHook: a dropped conversation's reconnect", () => {
  it('from another organisation of the same tenant does not continue the call', async () => {
    const call = {
      conversationId: randomUUID(),
      customer: new Uint8Array(8000).fill(0x7f),
      agent: new Uint8Array(8000).fill(0x7f),
    };
    const url = `ws://127.0.0.1:${suite.gateway.audiohook?.port}/api/v1/audiohook/ws`;
    const first = await connectAudioHook(url, A);
    await playCall(first, A.orgId, call, { toFrame: 3, noClose: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    first.ws.terminate();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = await connectAudioHook(url, B);
    other.send('open', {
      organizationId: B.orgId,
      conversationId: call.conversationId,
      participant: { id: randomUUID(), ani: '+15551234567', aniName: 'A Caller', dnis: '+15557654321' },
      media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }],
      language: 'en-US',
    });
    const answer = await Promise.race([other.next('opened'), other.next('disconnect')]);
    expect(answer.type).toBe('disconnect');
  });
});

// "done when" for the L16 WebSocket adapter (adapter-end-to-end.ts): the 2-minute call
// streamed as jambonz `listen` sends it (subprotocol audio.jambonz.org, HTTP Basic auth, the
// metadata frame, then stereo 8 kHz L16 in 20 ms binary frames, the caller first, paced) into a
// gateway child process; the socket drops without a close frame late in the call and jambonz's
// new socket for the same callSid continues it; a normal close is the hang-up.
import { expect } from 'vitest';
import { interleavedL16, openL16Socket, sendFrames } from './l16ws-client.ts';
import { callSid, jambonzAuth, jambonzMetadata, JAMBONZ_SECRET } from './l16ws-fixture.ts';
import { describeAdapterEndToEnd } from './adapter-end-to-end.ts';

const FRAME_BYTES = 640; // 20 ms, 8 kHz, 2 channels, 16 bit

describeAdapterEndToEnd({
  name: 'L16 WebSocket (jambonz)',
  gatewayEnv: (port) => ({
    L16WS_HOST: '127.0.0.1',
    L16WS_PORT: String(port),
    L16WS_SOURCES: JSON.stringify({ 'jambonz-eu': { tenant: 'demo', secret: JAMBONZ_SECRET } }),
  }),
  async stream(call, plan) {
    const callId = callSid();
    const pcm = interleavedL16(call.customer, call.agent);
    const cut = (plan.dropAtMs / 20) * FRAME_BYTES;
    const open = async () => {
      const socket = await openL16Socket(plan.port, { authorization: jambonzAuth });
      expect(socket.status).toBe(101);
      socket.ws.send(jambonzMetadata(callId, { agentId: 'agent-1', team: undefined }));
      return socket;
    };
    const first = await open();
    await sendFrames(first.ws, pcm.subarray(0, cut), FRAME_BYTES, 20 / plan.speed);
    first.ws.terminate(); // the network dropped: no close frame
    await new Promise((resolve) => setTimeout(resolve, plan.awayMs));
    const second = await open();
    await sendFrames(second.ws, pcm.subarray(cut), FRAME_BYTES, 20 / plan.speed);
    second.ws.close(1000);
    expect((await second.closed).code).toBe(1000);
    return callId;
  },
});

// "done when" for Genesys Cloud AudioHook (adapter-end-to-end.ts): the 2-minute call
// played as Genesys plays it (signed upgrade, open -> opened, 200 ms stereo PCMU frames with
// external = customer and internal = agent, pings, paced); the session dies without a close
// transaction late in the call, and Genesys' new session for the same conversation continues it
// (continuedSessions, position carried on, the last 400 ms sent again), then close -> closed.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { describeAdapterEndToEnd } from './adapter-end-to-end.ts';
import {
  audioHookAdapterEnv,
  connectAudioHook,
  newAudioHookOrg,
  playCall,
  type AudioHookOrgAuth,
} from './audiohook-client.ts';

const ORG: AudioHookOrgAuth = newAudioHookOrg();
const FRAME_MS = 200;
/** Frames the new session sends again: Genesys resumes from a position at or before the last sent. */
const RESENT_FRAMES = 2;

describeAdapterEndToEnd({
  name: 'Genesys AudioHook',
  gatewayEnv: (port) => audioHookAdapterEnv('demo', [ORG], port),
  async stream(shipped, plan) {
    const url = `ws://127.0.0.1:${plan.port}/audiohook`;
    const call = {
      conversationId: randomUUID(),
      customConfig: { agentId: 'agent-1', queue: 'billing', team: 'blue' },
      customer: shipped.customer,
      agent: shipped.agent,
      frameMs: FRAME_MS,
    };
    const cut = plan.dropAtMs / FRAME_MS;
    const first = await connectAudioHook(url, ORG);
    await playCall(first, ORG.orgId, call, { speed: plan.speed, toFrame: cut, noClose: true });
    first.ws.terminate(); // network loss: no close transaction
    await new Promise((resolve) => setTimeout(resolve, plan.awayMs));
    const second = await connectAudioHook(url, ORG);
    const from = cut - RESENT_FRAMES;
    second.positionSamples = (from * FRAME_MS * 8000) / 1000;
    const { closed } = await playCall(second, ORG.orgId, call, {
      speed: plan.speed,
      fromFrame: from,
      // The first session's last numbers: its server messages, and `open` plus a ping every 5 s.
      continuedSessions: [
        {
          id: first.sessionId,
          serverseq: first.received.length,
          clientseq: 1 + Math.floor((cut * FRAME_MS) / 5000),
        },
      ],
    });
    expect(closed?.type).toBe('closed');
    return call.conversationId;
  },
});

// The alert service through a step of its host's wall clock: a live call's idleness
// (ALERT_CALL_IDLE_MS) is timed on the wall clock, so a step forward past it dropped every live
// call from the pages and the rules engine at the next state push, and the call's next record
// brought it back without its agent: its agent's page lost it for the rest of the call. The README
// ("Clocks") says an NTP step of a host's wall clock frees no call. Real broker, real sockets;
// Date.now of the process is stepped, as NTP steps it for every reader on the host.
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import {
  connect,
  emotionRecord,
  login,
  sendEmotion,
  startCall,
  startHarness,
  type Frame,
} from './harness.ts';
import { steppableWallClock } from '../../support/wall-clock-step.ts';

const wallClock = steppableWallClock();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const removes = (callId: string) => (f: Frame) =>
  f.type === 'state' && (f.removed as { callId: string }[]).some((r) => r.callId === callId);

describe('alert service: a live call through a step of the host clock', () => {
  it('keeps the call on its pages when the clock steps forward past ALERT_CALL_IDLE_MS', async () => {
    const h = await startHarness({ ALERT_CALL_IDLE_MS: '60000', ALERT_STATE_INTERVAL_MS: '100' });
    const callId = uniqueName('step-call');
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const agent = await connect(h, await login(h, 'agent-1'));
    await startCall(h, callId, 'agent-1');
    await sendEmotion(h, emotionRecord(callId, 'customer', 0, 'neutral'));
    await agent.waitFor((f) => f.type === 'state' && JSON.stringify(f).includes(callId));
    wallClock.stepMs = 2 * 60_000;
    await sleep(1_000); // a live call's next window comes within a second
    for (let i = 1; i < 6; i += 1) {
      await sendEmotion(h, emotionRecord(callId, 'customer', i, 'neutral'));
      await sleep(300);
    }
    const lastSeen = supervisor.frames
      .flatMap((f) => (f.type === 'state' ? (f.calls as { callId: string; agentId: string }[]) : []))
      .filter((c) => c.callId === callId)
      .at(-1);
    // The call still is agent-1's (after a purge its next record brought it back with no agent).
    expect(lastSeen?.agentId).toBe('agent-1');
    expect(supervisor.frames.some(removes(callId))).toBe(false);
    expect(agent.frames.some(removes(callId))).toBe(false);
  });
});

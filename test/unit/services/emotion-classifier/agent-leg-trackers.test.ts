// The classifier's speakers across a transfer to another agent (FeatureWindow.agent_leg): the agent
// channel's tracker starts again, so the new voice warms up `uncertain` as at a call's start and is
// never judged against the first agent's calm start; the customer's goes on; a reconnect of the
// same agent keeps its tracker; a replay of the same windows gives the same events.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import { createEmotionTracker, WARMUP_WINDOWS } from '../../../../pipelines/emotion/tracker.ts';
import {
  SpeakerTrackers,
  type FeatureRecord,
} from '../../../../services/emotion-classifier/speaker-trackers.ts';
import { toyModel, toyWindow } from '../../pipelines/emotion/toy-model.ts';

const FIRST_AGENT = 0x1234_5678;
const SECOND_AGENT = 0x9abc_def0;
const T0 = 1_764_900_000_000;
const TRANSFER_AT = 20;

function trackers(): SpeakerTrackers {
  return new SpeakerTrackers({
    createTracker: (callId, channel) => createEmotionTracker({ model: toyModel(), callId, channel }),
    idleTimeoutMs: 60_000,
    maxCalls: 10,
  });
}

/**
 * 20 windows of a calm voice (functional 0 near 0), then 20 windows of a calm voice that sits
 * higher (functional 0 near 1: neutral from its own start, "angry" against the first voice's start),
 * the second on `secondLeg`.
 */
function call(channel: Channel, secondLeg: number): FeatureRecord[] {
  return Array.from({ length: 2 * TRANSFER_AT }, (_, i) => {
    const level = i < TRANSFER_AT ? 0 : 1;
    return {
      partition: 0,
      offset: i,
      callId: 'acme/c1',
      channel,
      window: toyWindow(i, [level + 0.2 * (i % 2), 0, 0]),
      arrivalMs: T0 + i * 1000 + 2000,
      agentLeg: i < TRANSFER_AT ? FIRST_AGENT : secondLeg,
    };
  });
}

const statesOf = (records: FeatureRecord[], state = trackers()) =>
  records.map((r, i) => state.push(r, T0 + i * 1000 + 2050)?.event.state);

describe('SpeakerTrackers across a transfer', () => {
  it('warms the agent channel up again for the new agent and never judges them by the first voice', () => {
    const states = statesOf(call('agent', SECOND_AGENT));
    expect(states.slice(0, WARMUP_WINDOWS)).toEqual(Array(WARMUP_WINDOWS).fill('uncertain'));
    expect(states.slice(TRANSFER_AT - 3, TRANSFER_AT)).toEqual(['neutral', 'neutral', 'neutral']);
    // The new agent's first windows: `uncertain` while their own calm start is learnt, as at a start.
    expect(states.slice(TRANSFER_AT, TRANSFER_AT + WARMUP_WINDOWS)).toEqual(
      Array(WARMUP_WINDOWS).fill('uncertain'),
    );
    expect(states.slice(TRANSFER_AT)).not.toContain('angry');
    // Exactly as a call that started with the second agent reads them.
    const secondVoiceAlone = call('agent', SECOND_AGENT)
      .slice(TRANSFER_AT)
      .map((r, k) => ({
        ...r,
        window: { ...r.window, windowIndex: k, startMs: k * 1000, endMs: k * 1000 + 2000 },
      }));
    expect(states.slice(TRANSFER_AT)).toEqual(statesOf(secondVoiceAlone));
  });

  it('judged against the first agent, the same voice reads angry (the marker makes the difference)', () => {
    const states = statesOf(call('agent', FIRST_AGENT));
    expect(states.slice(TRANSFER_AT)).toContain('angry');
    expect(states.slice(TRANSFER_AT, TRANSFER_AT + WARMUP_WINDOWS)).not.toEqual(
      Array(WARMUP_WINDOWS).fill('uncertain'),
    );
  });

  it('keeps the customer channel: the same customer is judged against their own start', () => {
    const withTransfer = statesOf(call('customer', SECOND_AGENT));
    const without = statesOf(call('customer', FIRST_AGENT));
    expect(withTransfer).toEqual(without);
    expect(withTransfer.slice(TRANSFER_AT)).toContain('angry');
  });

  it('keeps the agent tracker on a reconnect of the same agent and on windows that name no leg', () => {
    const sameAgent = statesOf(call('agent', FIRST_AGENT));
    const unknownLeg = statesOf(call('agent', 0));
    const noMarker = statesOf(call('agent', FIRST_AGENT).map(({ agentLeg: _, ...r }) => r));
    expect(unknownLeg).toEqual(sameAgent);
    expect(noMarker).toEqual(sameAgent);
  });

  it('rebuilds the same events when the windows are replayed (a new owner from the held commit)', () => {
    const records = call('agent', SECOND_AGENT);
    const events = (state: SpeakerTrackers) =>
      records.map((r, i) => state.push(r, T0 + i * 1000 + 2050)?.event);
    const first = events(trackers());
    const replayed = trackers();
    replayed.setReplayUntil(0, 2 * TRANSFER_AT);
    expect(events(replayed)).toEqual(first);
  });
});

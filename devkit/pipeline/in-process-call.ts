// One stereo call through the live stages in-process, as the services chain them: both channels
// in 20-ms packets (agent then customer) through one call analyzer (pipelines/dsp, the dsp-worker's
// stage), each speaker window judged by that speaker's emotion tracker (pipelines/emotion, the
// classifier's), and every window, emotion and dynamics record through the alert engine with the
// given rules (pipelines/alerts, the alert service's). Pure, no I/O: the caller reads the files.
import { createAlertEngine, type AlertEvent, type RuleSet } from '../../pipelines/alerts/index.ts';
import { createCallAnalyzer, type CallOutput } from '../../pipelines/dsp/index.ts';
import type { AudioFormat, Channel, DynamicsWindow, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import {
  createEmotionTracker,
  shownState,
  type EmotionEvent,
  type EmotionModel,
} from '../../pipelines/emotion/index.ts';

const PACKET_MS = 20;

export interface InProcessCall {
  windows: Record<Channel, SpeakerWindow[]>;
  events: Record<Channel, EmotionEvent[]>;
  dynamics: DynamicsWindow[];
  alerts: AlertEvent[];
}

export function runCallInProcess(
  audio: { agent: Uint8Array; customer: Uint8Array },
  format: AudioFormat,
  model: EmotionModel,
  rules: RuleSet,
  callId = 'in-process',
): InProcessCall {
  const call = createCallAnalyzer({ format });
  const trackers = {
    agent: createEmotionTracker({ model, callId, channel: 'agent' }),
    customer: createEmotionTracker({ model, callId, channel: 'customer' }),
  };
  const engine = createAlertEngine({ rules });
  const result: InProcessCall = {
    windows: { agent: [], customer: [] },
    events: { agent: [], customer: [] },
    dynamics: [],
    alerts: [],
  };
  const take = (out: CallOutput): void => {
    for (const { channel, window } of out.windows) {
      const event = trackers[channel].push(window);
      result.windows[channel].push(window);
      result.events[channel].push(event);
      result.alerts.push(...engine.push({ source: 'features', callId, channel, window }));
      result.alerts.push(...engine.push({ source: 'emotion', callId, channel, event }));
    }
    for (const window of out.dynamics) {
      result.dynamics.push(window);
      result.alerts.push(...engine.push({ source: 'dynamics', callId, window }));
    }
  };
  const bytesPerSample = format.codec === 'linear16' ? 2 : format.codec === 'float32' ? 4 : 1;
  const packet = ((format.sampleRateHz * PACKET_MS) / 1000) * bytesPerSample;
  const length = Math.max(audio.agent.length, audio.customer.length);
  for (let at = 0; at < length; at += packet) {
    if (at < audio.agent.length) take(call.push('agent', audio.agent.subarray(at, at + packet)));
    if (at < audio.customer.length) take(call.push('customer', audio.customer.subarray(at, at + packet)));
  }
  take(call.flush());
  return result;
}

/** A speaker's shown state (console, wallboard) by window index, over the windows it speaks in. */
export function shownStates(events: readonly EmotionEvent[]): Map<number, string> {
  const shown = new Map<number, string>();
  for (const e of events)
    if (e.state !== 'no-speech') shown.set(e.windowIndex, shownState(e.state, e.arousal));
  return shown;
}

/** Share of `reference`'s windows whose shown state `other` repeats (1 when `reference` has none). */
export function shownAgreement(reference: Map<number, string>, other: Map<number, string>): number {
  let same = 0;
  for (const [i, state] of reference) if (other.get(i) === state) same++;
  return reference.size > 0 ? same / reference.size : 1;
}

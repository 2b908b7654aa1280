// The emotion event of a window on hold (SpeakerWindow.onHold: the platform's CallHold): what is
// on the channel then is hold music or nobody, not the speaker, so it is not judged ("uncertain",
// confidence 0, coin-toss dimensions) and the tracker learns nothing from it. Pure, no I/O.
import { eventHead } from './event-head.ts';
import type { EmotionEvent, EmotionLabel } from './types.ts';
import type { Channel, SpeakerWindow } from '../dsp/types.ts';

export const HOLD_EVIDENCE = 'on hold: not judged, and not learnt as this voice';

export interface HoldEventInput {
  callId: string;
  channel: Channel;
  window: SpeakerWindow;
  labels: readonly EmotionLabel[];
  /** The speaker's class evidence so far (their averaged probabilities), left as it was; null = none yet. */
  evidence: Float64Array | null;
  /** Whether the event before this one said something else than "uncertain". */
  changed: boolean;
}

export function holdEvent({
  callId,
  channel,
  window,
  labels,
  evidence,
  changed,
}: HoldEventInput): EmotionEvent {
  const probabilities = {} as Record<EmotionLabel, number>;
  let best = 0;
  for (let k = 0; k < labels.length; k++) {
    probabilities[labels[k]] = evidence === null ? 1 / labels.length : evidence[k];
    if (evidence !== null && evidence[k] > evidence[best]) best = k;
  }
  return {
    ...eventHead(callId, channel, window),
    state: 'uncertain',
    changed,
    rawLabel: labels[best],
    probabilities,
    arousal: 0.5,
    valence: 0.5,
    arousalConfidence: 0.5,
    valenceConfidence: 0.5,
    confidence: 0,
    evidence: [HOLD_EVIDENCE],
    onHold: true,
  };
}

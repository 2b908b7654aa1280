// How much of a call's angry speech the tracker shows as `angry`: the events whose window centre
// falls in an angry clip and that are not no-speech. Compares the upset opener (opener-layout.ts)
// with the calm-start protocol on the same speakers. No I/O.
import type { EmotionEvent } from '../../../pipelines/emotion/index.ts';
import { segmentAt } from './call-layout.ts';
import type { SpeakerCall } from './features.ts';

export interface AngryShown {
  windows: number;
  angry: number;
}

export function angryShown(call: SpeakerCall, events: readonly EmotionEvent[]): AngryShown {
  const out: AngryShown = { windows: 0, angry: 0 };
  events.forEach((event, i) => {
    const w = call.windows[i];
    const s = segmentAt(call.segments, (w.startMs + w.endMs) / 2);
    if (s < 0 || call.clips[call.segments[s].clip].label !== 'angry' || event.state === 'no-speech') return;
    out.windows++;
    if (event.state === 'angry') out.angry++;
  });
  return out;
}

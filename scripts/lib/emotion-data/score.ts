// Scores clips with a model exactly as a live call does: the windows go through the product's
// tracker (pipelines/emotion createEmotionTracker, the classifier service's code) in call order,
// and each clip is judged by the mean probabilities of the windows centred in it (call protocol),
// or of the windows of the clip analysed alone (cold protocol). No I/O.
import { arousalCue, createEmotionTracker } from '../../../pipelines/emotion/index.ts';
import type { EmotionEvent, EmotionModel } from '../../../pipelines/emotion/index.ts';
import type { ClipTargets } from '../../../pipelines/emotion/train/call-data.ts';
import { EMOTION_LABELS } from '../../../pipelines/emotion/types.ts';
import { segmentAt } from './call-layout.ts';
import type { SpeakerCall, WindowRow } from './features.ts';
import { replayWindow } from './replay-window.ts';
import { centreMs, clipTargets } from './training-calls.ts';

export interface ClipScore {
  corpus: string;
  speaker: string;
  clip: number;
  targets: ClipTargets;
  /** Mean class probabilities (EMOTION_LABELS order). */
  probs: number[];
  arousal: number;
  valence: number;
  /** Mean state-is-uncertain share of its windows (the live "uncertain" answer). */
  uncertainWindows: number;
  /** Its `uncertain` windows, those that read "tense", and those of a high-arousal clip. */
  cue: { uncertain: number; tense: number; tenseRight: number };
}

/** The "tense" cues its `uncertain` windows showed (shown-state.ts), against the clip's arousal. */
function cueFigures(events: readonly EmotionEvent[], targets: ClipTargets): ClipScore['cue'] {
  const unsure = events.filter((e) => e.state === 'uncertain');
  const tense = unsure.filter((e) => arousalCue(e.arousal) === 'tense').length;
  return { uncertain: unsure.length, tense, tenseRight: targets.arousal === 1 ? tense : 0 };
}

function mean(
  events: readonly EmotionEvent[],
  score: Omit<ClipScore, 'probs' | 'arousal' | 'valence' | 'uncertainWindows' | 'cue'>,
): ClipScore {
  const n = Math.max(1, events.length);
  const probs = EMOTION_LABELS.map((l) => events.reduce((s, e) => s + e.probabilities[l], 0) / n);
  return {
    ...score,
    probs,
    arousal: events.reduce((s, e) => s + e.arousal, 0) / n,
    valence: events.reduce((s, e) => s + e.valence, 0) / n,
    uncertainWindows: events.filter((e) => e.state === 'uncertain').length / n,
    cue: cueFigures(events, score.targets),
  };
}

export function runTracker(model: EmotionModel, rows: readonly WindowRow[], callId: string): EmotionEvent[] {
  const tracker = createEmotionTracker({ model, callId, channel: 'customer' });
  return rows.map((r, i) => tracker.push(replayWindow(r, i)));
}

/** Call protocol: every clip after the calm start, judged by the windows centred in it. */
export function scoreCall(model: EmotionModel, call: SpeakerCall): ClipScore[] {
  const events = runTracker(model, call.windows, call.speaker);
  const bySegment = new Map<number, EmotionEvent[]>();
  events.forEach((e, i) => {
    const s = segmentAt(call.segments, centreMs(call.windows[i]));
    if (s >= 0) bySegment.set(s, [...(bySegment.get(s) ?? []), e]);
  });
  return call.segments.flatMap((seg, s) => {
    if (seg.calmStart) return [];
    let mine = bySegment.get(s);
    if (!mine) {
      // A clip shorter than the window hop may hold no window centre: the nearest window judges it.
      const mid = (seg.startMs + seg.endMs) / 2;
      let best = 0;
      call.windows.forEach((w, i) => {
        if (Math.abs(centreMs(w) - mid) < Math.abs(centreMs(call.windows[best]) - mid)) best = i;
      });
      mine = [events[best]];
    }
    const clip = call.clips[seg.clip];
    return [
      mean(mine, { corpus: call.corpus, speaker: call.speaker, clip: seg.clip, targets: clipTargets(clip) }),
    ];
  });
}

/** Cold protocol: each clip alone through a fresh tracker, as `analyze` sees one file. */
export function scoreCold(model: EmotionModel, call: SpeakerCall): ClipScore[] {
  return call.clips.map((clip, i) => {
    const events = runTracker(model, call.cold[i], `${call.speaker}:${i}`);
    const speech = events.filter((e) => e.state !== 'no-speech');
    return mean(speech.length > 0 ? speech : events, {
      corpus: call.corpus,
      speaker: call.speaker,
      clip: i,
      targets: clipTargets(clip),
    });
  });
}

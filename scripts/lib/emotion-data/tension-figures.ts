// How often the agent-stress cue would call a speaker's voice tense, on the corpora's simulated
// calls (each speaker's calm start, then the emotion blocks): the absolute tension index at the
// old line (0.6) against the rise over the speaker's own call start (pipelines/alerts/
// tension-rise.ts), on the calm (neutral) speech after the calm start and on high-arousal speech.
// Pure over the cached windows.
import { FUNCTIONAL_INDEX } from '../../../pipelines/dsp/functionals.ts';
import { TENSION_RISE_TENSE, newTensionBaseline, tensionRise } from '../../../pipelines/alerts/index.ts';
import type { SpeakerCall } from './features.ts';

const TENSION = FUNCTIONAL_INDEX.tension_index;
const MIN_SPEECH = 0.2;
const ABSOLUTE_LINE = 0.6;

export interface TensionCueFigures {
  /** Calm (neutral-clip) speech windows after the calm start, and of them read tense. */
  calm_windows: number;
  calm_tense_share_absolute: number;
  calm_tense_share_rise: number;
  high_arousal_windows: number;
  high_arousal_tense_share_absolute: number;
  high_arousal_tense_share_rise: number;
  /**
   * Blocks (a speaker's clips of one label in a row) with a run of HELD_WINDOWS speech windows
   * all risen by TENSION_RISE_TENSE: what the agent-stress rule (held 10 s) would flag.
   */
  calm_blocks_flagged: string;
  high_arousal_blocks_flagged: string;
}

/**
 * The agent-stress rule's hold (config/alert-rules.yaml: 10 s) in windows: the engine holds from
 * the first window's start to the last one's end, 2 s + 8 × 1 s (review: 10 undercounted).
 */
const HELD_WINDOWS = 9;

export function tensionCueFigures(calls: readonly SpeakerCall[]): TensionCueFigures {
  const n = { calm: 0, calmAbs: 0, calmRise: 0, high: 0, highAbs: 0, highRise: 0 };
  const blocks = { calm: 0, calmFlagged: 0, high: 0, highFlagged: 0 };
  for (const call of calls) {
    if (call.condition !== 'clean') continue;
    const baseline = newTensionBaseline();
    // Per block (label of the clip, in call order): its longest run of risen windows.
    let block: { group: 'calm' | 'high' | 'other'; label: string; run: number; best: number } | null = null;
    const close = () => {
      if (!block || block.group === 'other') return;
      blocks[block.group] += 1;
      if (block.best >= HELD_WINDOWS) blocks[block.group === 'calm' ? 'calmFlagged' : 'highFlagged'] += 1;
    };
    for (const w of call.windows) {
      const tension = w.functionals[TENSION];
      if (w.speechFraction < MIN_SPEECH || !Number.isFinite(tension)) continue;
      const rise = tensionRise(baseline, tension);
      const mid = (w.startMs + w.endMs) / 2;
      const segment = call.segments.find((s) => s.startMs <= mid && mid < s.endMs);
      if (!segment || segment.calmStart || !Number.isFinite(rise)) continue;
      const clip = call.clips[segment.clip];
      const group = clip.label === 'neutral' ? 'calm' : clip.arousal === 'high' ? 'high' : 'other';
      const label = `${clip.label ?? ''}/${clip.arousal ?? ''}`;
      if (!block || block.label !== label) {
        close();
        block = { group, label, run: 0, best: 0 };
      }
      block.run = rise >= TENSION_RISE_TENSE ? block.run + 1 : 0;
      block.best = Math.max(block.best, block.run);
      const tenseAbs = tension >= ABSOLUTE_LINE ? 1 : 0;
      const tenseRise = rise >= TENSION_RISE_TENSE ? 1 : 0;
      if (clip.label === 'neutral') {
        n.calm += 1;
        n.calmAbs += tenseAbs;
        n.calmRise += tenseRise;
      } else if (clip.arousal === 'high') {
        n.high += 1;
        n.highAbs += tenseAbs;
        n.highRise += tenseRise;
      }
    }
    close();
  }
  const share = (k: number, of: number) => (of > 0 ? Math.round((k / of) * 1e4) / 1e4 : 0);
  return {
    calm_windows: n.calm,
    calm_tense_share_absolute: share(n.calmAbs, n.calm),
    calm_tense_share_rise: share(n.calmRise, n.calm),
    high_arousal_windows: n.high,
    high_arousal_tense_share_absolute: share(n.highAbs, n.high),
    high_arousal_tense_share_rise: share(n.highRise, n.high),
    calm_blocks_flagged: `${blocks.calmFlagged}/${blocks.calm}`,
    high_arousal_blocks_flagged: `${blocks.highFlagged}/${blocks.high}`,
  };
}

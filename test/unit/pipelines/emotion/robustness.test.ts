// Robustness of the arousal decision: every channel (agent and customer) of the
// four shipped calls (assets/nemo-calls, speakers the model never trained on) through pipelines/dsp
// and the live tracker with the committed model, as the platform sent it (8 kHz µ-law), 20 dB
// quieter, at 16 kHz linear PCM, and with white noise at 20 dB SNR. The decision "high arousal"
// (arousal ≥ 0.5) on the speech windows of the original may change on at most 10 % of them,
// pooled over the eight channels (389 speech windows: one call alone is ~70, where one window is
// 1.4 points). 16 kHz input is analysed at 8 kHz, the rate the models were fitted on
// (pipelines/dsp/options.ts analysisRateFor), so the 16 kHz copy may change at most 5 %: it
// changed 7.5 % (29 windows) when 16 kHz was analysed at 16 kHz, 3.1 % (12) since; what is left
// is the resampler's band edge (3.7 kHz) taking the top of the µ-law band away on the way back
// to 8 kHz. Reads only assets/ and models/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createChannelAnalyzer,
  decodeMuLaw,
  encodeLinear16,
  encodeMuLaw,
  resample,
} from '../../../../pipelines/dsp/index.ts';
import type { AudioFormat } from '../../../../pipelines/dsp/index.ts';
import { createEmotionTracker, parseEmotionModel } from '../../../../pipelines/emotion/index.ts';
import { gauss, rng } from '../../../../devkit/audio/test-signals.ts';
import { DEFAULT_MODEL_PATH } from '../../../../services/emotion-classifier/config.ts';
import { readDemoCalls, readShippedCall } from '../../../support/nemo-calls.ts';

const HIGH_AROUSAL_AT = 0.5;
const MAX_CHANGED_SHARE = 0.1;
/** The 16 kHz copy is resampled back to the 8 kHz the models were fitted on: a tighter bound. */
const MAX_CHANGED_SHARE_16K = 0.05;
const NOISE_SEED = 12;
const PCMU_8K: AudioFormat = { codec: 'pcmu', sampleRateHz: 8000 };
const VARIANTS = ['20 dB quieter', '16 kHz linear PCM', 'white noise at 20 dB SNR'] as const;

const model = parseEmotionModel(JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8')));

/** Arousal and state of every window, by window index, as the classifier service would emit them. */
function eventsOf(bytes: Uint8Array, format: AudioFormat): Map<number, { arousal: number; state: string }> {
  const analyzer = createChannelAnalyzer({ format });
  const tracker = createEmotionTracker({ model, callId: 'robustness', channel: 'customer' });
  const events = new Map<number, { arousal: number; state: string }>();
  for (const window of [...analyzer.push(bytes), ...analyzer.flush()]) {
    const event = tracker.push(window);
    events.set(event.windowIndex, { arousal: event.arousal, state: event.state });
  }
  return events;
}

/** RMS over the samples louder than the line's silence (the speech, not the gaps). */
function speechRms(samples: Float32Array): number {
  let sum = 0;
  let n = 0;
  for (const x of samples) {
    if (Math.abs(x) < 0.003) continue;
    sum += x * x;
    n += 1;
  }
  return Math.sqrt(sum / Math.max(1, n));
}

function variantBytes(linear: Float32Array, variant: (typeof VARIANTS)[number], seed: number) {
  if (variant === '20 dB quieter') return { bytes: encodeMuLaw(linear.map((x) => x * 0.1)), format: PCMU_8K };
  if (variant === '16 kHz linear PCM') {
    return {
      bytes: encodeLinear16(resample(linear, 8000, 16000)),
      format: { codec: 'linear16', sampleRateHz: 16000 } as AudioFormat,
    };
  }
  const level = speechRms(linear) * 10 ** (-20 / 20);
  const rand = rng(seed);
  return { bytes: encodeMuLaw(linear.map((x) => x + level * gauss(rand))), format: PCMU_8K };
}

let speech = 0;
let high = 0;
const changed: Record<string, number> = Object.fromEntries(VARIANTS.map((v) => [v, 0]));
const windowCountsMatch: Record<string, boolean> = Object.fromEntries(VARIANTS.map((v) => [v, true]));
readDemoCalls().calls.forEach((c, k) => {
  const shipped = readShippedCall(c.id);
  for (const channel of [shipped.agent, shipped.customer]) {
    const reference = eventsOf(channel, PCMU_8K);
    const windows = [...reference].filter(([, e]) => e.state !== 'no-speech');
    speech += windows.length;
    high += windows.filter(([, e]) => e.arousal >= HIGH_AROUSAL_AT).length;
    const linear = decodeMuLaw(channel);
    for (const v of VARIANTS) {
      const { bytes, format } = variantBytes(linear, v, NOISE_SEED + k);
      const events = eventsOf(bytes, format);
      if (events.size !== reference.size) windowCountsMatch[v] = false;
      for (const [i, e] of windows) {
        const other = events.get(i);
        if (!other || other.arousal >= HIGH_AROUSAL_AT !== e.arousal >= HIGH_AROUSAL_AT) changed[v] += 1;
      }
    }
  }
});

describe('arousal decision under level, rate, codec and noise changes (shipped calls, both channels)', () => {
  // The figures, for the issue and for whoever retrains the model.
  console.log(
    JSON.stringify({
      speech_windows: speech,
      high_arousal_share_reference: high / speech,
      changed_share: Object.fromEntries(VARIANTS.map((v) => [v, changed[v] / speech])),
    }),
  );

  it('finds enough speech, of both arousal levels, to judge', () => {
    expect(speech).toBeGreaterThan(300);
    expect(high / speech).toBeGreaterThan(0.1);
    expect(high / speech).toBeLessThan(0.9);
  });

  for (const v of VARIANTS) {
    const max = v === '16 kHz linear PCM' ? MAX_CHANGED_SHARE_16K : MAX_CHANGED_SHARE;
    it(`${v} changes the decision on at most ${max * 100} % of speech windows`, () => {
      expect(windowCountsMatch[v]).toBe(true);
      expect(changed[v] / speech).toBeLessThanOrEqual(max);
    });
  }
});

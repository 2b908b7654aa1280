// Robustness of the arousal decision (issue 12 item 4): the customer channel of shipped call 2
// (calm → angry → calm) through pipelines/dsp and the live tracker with the committed model, as
// the platform sent it (8 kHz µ-law), 20 dB quieter, at 16 kHz linear PCM, and with white noise
// at 20 dB SNR. The decision "high arousal" (arousal ≥ 0.5) on speech windows may change on at
// most 10 % of the windows. Reads only assets/ and models/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createChannelAnalyzer,
  decodeMuLaw,
  encodeLinear16,
  encodeMuLaw,
  resample,
} from '../../../pipelines/dsp/index.ts';
import type { AudioFormat } from '../../../pipelines/dsp/index.ts';
import { createEmotionTracker, parseEmotionModel } from '../../../pipelines/emotion/index.ts';
import { gauss, rng } from '../../../scripts/lib/synth.ts';
import { DEFAULT_MODEL_PATH } from '../../../services/emotion-classifier/config.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';

const HIGH_AROUSAL_AT = 0.5;
const MAX_CHANGED_SHARE = 0.1;
const NOISE_SEED = 12;

const model = parseEmotionModel(JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8')));
const { call, customer } = readShippedCall('call-2-angry-recovers');

/** Arousal and state of every window, by window index, as the classifier service would emit them. */
function eventsOf(bytes: Uint8Array, format: AudioFormat): Map<number, { arousal: number; state: string }> {
  const analyzer = createChannelAnalyzer({ format });
  const tracker = createEmotionTracker({ model, callId: call.id, channel: 'customer' });
  const events = new Map<number, { arousal: number; state: string }>();
  for (const window of [...analyzer.push(bytes), ...analyzer.flush()]) {
    const event = tracker.push(window);
    events.set(event.windowIndex, { arousal: event.arousal, state: event.state });
  }
  return events;
}

/** RMS of the customer's speech: over the spans of the customer's clips (calls.json), not the gaps. */
function speechRms(samples: Float32Array): number {
  let sum = 0;
  let n = 0;
  for (const clip of call.clips) {
    if (clip.channel !== 'customer') continue;
    for (let i = clip.startMs * 8; i < Math.min(clip.endMs * 8, samples.length); i++) {
      sum += samples[i] * samples[i];
      n += 1;
    }
  }
  return Math.sqrt(sum / n);
}

const linear = decodeMuLaw(customer);
const quieter = linear.map((x) => x * 10 ** (-20 / 20));
const noisy = new Float32Array(linear.length);
const noiseRms = speechRms(linear) * 10 ** (-20 / 20);
const rand = rng(NOISE_SEED);
for (let i = 0; i < linear.length; i++) noisy[i] = linear[i] + noiseRms * gauss(rand);

const PCMU_8K: AudioFormat = { codec: 'pcmu', sampleRateHz: 8000 };
const reference = eventsOf(customer, PCMU_8K);
// Speech windows: those the tracker itself finds speech in, on the original (not "no-speech").
const speechWindows = [...reference].filter(([, e]) => e.state !== 'no-speech').map(([i]) => i);
const variants = {
  '20 dB quieter': eventsOf(encodeMuLaw(quieter), PCMU_8K),
  '16 kHz linear PCM': eventsOf(encodeLinear16(resample(linear, 8000, 16000)), {
    codec: 'linear16',
    sampleRateHz: 16000,
  }),
  'white noise at 20 dB SNR': eventsOf(encodeMuLaw(noisy), PCMU_8K),
};

/** Share of the reference's speech windows whose arousal decision differs in `events`. */
function changedShare(events: Map<number, { arousal: number }>): number {
  let changed = 0;
  for (const i of speechWindows) {
    const high = (reference.get(i)?.arousal ?? NaN) >= HIGH_AROUSAL_AT;
    const other = events.get(i);
    if (!other || other.arousal >= HIGH_AROUSAL_AT !== high) changed += 1;
  }
  return changed / speechWindows.length;
}

describe('arousal decision under level, rate, codec and noise changes (shipped call 2, customer)', () => {
  // The figures, for the issue and for whoever retrains the model.
  console.log(
    JSON.stringify({
      speech_windows: speechWindows.length,
      high_arousal_share_reference:
        speechWindows.filter((i) => (reference.get(i)?.arousal ?? 0) >= HIGH_AROUSAL_AT).length /
        speechWindows.length,
      changed_share: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, changedShare(v)])),
    }),
  );

  it('finds enough speech in the reference to judge', () => {
    expect(speechWindows.length).toBeGreaterThan(40);
  });

  for (const [name, events] of Object.entries(variants)) {
    it(`${name} changes the decision on at most 10 % of speech windows`, () => {
      expect(events.size).toBe(reference.size);
      expect(changedShare(events)).toBeLessThanOrEqual(MAX_CHANGED_SHARE);
    });
  }
});

// Every input rate is analysed at 8 kHz, the rate the pace and emotion models were fitted on
// (options.ts analysisRateFor): a telephone call sent at 16 or 48 kHz (narrowband audio upsampled,
// as contact-centre platforms send L16) gives the windows it gives at 8 kHz µ-law. Analysed at
// 16 kHz, the same audio read on average 0.55 syllables/s away from its 8 kHz pace (0.42 when
// sent at 48 kHz); at 8 kHz 0.23, which is the resampler's band edge (0.92 of 4 kHz) alone:
// the same audio resampled 8 -> 16 -> 8 kHz and sent at 8 kHz differs as much. Reads assets/.
import { describe, expect, it } from 'vitest';
import {
  decodeMuLaw,
  encodeLinear16,
  resample,
  type SpeakerWindow,
} from '../../../../pipelines/dsp/index.ts';
import { resolveOptions } from '../../../../pipelines/dsp/options.ts';
import { readDemoCalls, readShippedCall } from '../../../support/nemo-calls.ts';
import { runChunked } from './helpers.ts';

const MAX_MEAN_PACE_DIFF = 0.35; // syllables/s, over windows at least half speech
const MAX_PITCH_DIFF_ST = 0.1;
const MAX_LOUDNESS_DIFF_DB = 0.5;

describe('analysis rate', () => {
  it('is 8 kHz for every input rate; pitchMaxHz up to its maximum stays under a quarter of it', () => {
    for (const sampleRateHz of [4000, 8000, 11025, 16000, 22050, 44100, 48000, 96000]) {
      const o = resolveOptions({ format: { codec: 'linear16', sampleRateHz } });
      expect(o.analysisRateHz).toBe(8000);
      expect(o.pitchMaxHz).toBe(500);
      const high = resolveOptions({ format: { codec: 'linear16', sampleRateHz }, pitchMaxHz: 1500 });
      expect(high.pitchMaxHz).toBe(1500);
    }
  });

  const channel = readShippedCall(readDemoCalls().calls[0].id).customer;
  const reference = runChunked(channel, { format: { codec: 'pcmu', sampleRateHz: 8000 } }, () => 160);
  for (const sampleRateHz of [16000, 48000]) {
    it(`gives a call sent at ${sampleRateHz / 1000} kHz the windows it has at 8 kHz`, () => {
      const bytes = encodeLinear16(resample(decodeMuLaw(channel), 8000, sampleRateHz));
      const chunk = (sampleRateHz / 50) * 2; // 20-ms packets
      const windows: SpeakerWindow[] = runChunked(
        bytes,
        { format: { codec: 'linear16', sampleRateHz } },
        () => chunk,
      );
      expect(windows.map((w) => [w.startMs, w.endMs])).toEqual(reference.map((w) => [w.startMs, w.endMs]));
      const paceDiff: number[] = [];
      reference.forEach((r, i) => {
        const w = windows[i];
        if (r.speechFraction < 0.5) return;
        paceDiff.push(Math.abs(r.pace.syllableRate - w.pace.syllableRate));
        expect(Math.abs(r.loudness.meanDbfs - w.loudness.meanDbfs)).toBeLessThan(MAX_LOUDNESS_DIFF_DB);
        if (r.pitch.medianHz > 0 && w.pitch.medianHz > 0) {
          expect(Math.abs(12 * Math.log2(r.pitch.medianHz / w.pitch.medianHz))).toBeLessThan(
            MAX_PITCH_DIFF_ST,
          );
        }
      });
      expect(paceDiff.length).toBeGreaterThan(30);
      expect(paceDiff.reduce((a, b) => a + b, 0) / paceDiff.length).toBeLessThan(MAX_MEAN_PACE_DIFF);
    });
  }
});

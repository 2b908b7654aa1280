// Synthetic call audio: deterministic per seed, turns alternate without overlap, and the angry
// style is louder and higher than neutral (the cues the DSP measures).
import { describe, expect, it } from 'vitest';
import { synthesizeCall } from '../../../../devkit/audio/synthetic-voices.ts';
import { frameTrack } from '../../../../pipelines/dsp/frame-track.ts';
import { createMusicGate } from '../../../../pipelines/dsp/music-gate.ts';

function rmsDb(samples: Float32Array, fromMs: number, toMs: number, rate: number): number {
  let sum = 0;
  const from = Math.round((fromMs / 1000) * rate);
  const to = Math.round((toMs / 1000) * rate);
  for (let i = from; i < to; i += 1) sum += samples[i] * samples[i];
  return 10 * Math.log10(sum / (to - from));
}

describe('synthetic call audio', () => {
  const call = synthesizeCall({ seconds: 30, seed: 5, sampleRateHz: 8000 });

  it('is deterministic per seed', () => {
    const again = synthesizeCall({ seconds: 30, seed: 5, sampleRateHz: 8000 });
    expect(Buffer.from(again.customer.buffer).equals(Buffer.from(call.customer.buffer))).toBe(true);
    const other = synthesizeCall({ seconds: 30, seed: 6, sampleRateHz: 8000 });
    expect(Buffer.from(other.customer.buffer).equals(Buffer.from(call.customer.buffer))).toBe(false);
  });

  it('alternates agent and customer turns without overlap, customer angry in the second half', () => {
    expect(call.agent.length).toBe(30 * 8000);
    for (let i = 1; i < call.turns.length; i += 1) {
      expect(call.turns[i].startMs).toBeGreaterThan(call.turns[i - 1].endMs);
      expect(call.turns[i].speaker).not.toBe(call.turns[i - 1].speaker);
    }
    const customer = call.turns.filter((t) => t.speaker === 'customer');
    expect(customer[0].style).toBe('neutral');
    expect(customer.at(-1)?.style).toBe('angry');
    expect(call.turns.filter((t) => t.speaker === 'agent').every((t) => t.style === 'neutral')).toBe(true);
  });

  it('keeps the other channel near silent during a turn, and angry turns louder', () => {
    const [neutral, angry] = [
      call.turns.find((t) => t.speaker === 'customer' && t.style === 'neutral'),
      call.turns.findLast((t) => t.style === 'angry'),
    ];
    if (!neutral || !angry) throw new Error('script lacks turns');
    const neutralDb = rmsDb(call.customer, neutral.startMs, neutral.endMs, 8000);
    expect(rmsDb(call.customer, angry.startMs, angry.endMs, 8000)).toBeGreaterThan(neutralDb + 6);
    expect(rmsDb(call.agent, neutral.startMs, neutral.endMs, 8000)).toBeLessThan(-55);
    expect(call.customer.every((x) => Math.abs(x) <= 1)).toBe(true);
  });

  it('glides like a voice: the music gate never takes its turns for music (load tests measure speech)', () => {
    const long = synthesizeCall({ seconds: 120, seed: 2, sampleRateHz: 8000 });
    for (const channel of [long.agent, long.customer]) {
      const track = frameTrack(new Uint8Array(channel.buffer, channel.byteOffset, channel.byteLength), {
        format: { codec: 'float32', sampleRateHz: 8000 },
      });
      const gate = createMusicGate();
      expect(track.f0Hz.filter((f0) => gate.update(f0)).length).toBe(0);
      expect(track.speech.reduce((a, b) => a + b, 0)).toBeGreaterThan(4000); // 40 s of speech frames
    }
  });
});

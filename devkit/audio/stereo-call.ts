// Stereo test calls for the pipeline tests and the benchmark, built at run time: one from EmoDB
// (customer neutral then angry, agent neutral; ../shared, never committed) and a synthetic one
// (voiced harmonic bursts at a syllable-like rate, no data needed). I/O: reads EmoDB files only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { emodbRoot, listEmodb, readEmodbSamples, type EmodbItem } from './emodb.ts';
import { resample } from '../../pipelines/dsp/index.ts';
import type { StereoAudio } from './call-audio.ts';

export interface StereoCall extends StereoAudio {
  /** Audio time where the customer turns angry (EmoDB call), else null. */
  angryFromMs: number | null;
}

export const CALL_RATE_HZ = 16_000;
const GAP_MS = 250;

export function emodbAvailable(): boolean {
  return existsSync(join(emodbRoot(), 'wav'));
}

function concat(parts: Float32Array[], rate: number): Float32Array {
  const gap = Math.round((GAP_MS * rate) / 1000);
  const total = parts.reduce((n, p) => n + p.length + gap, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length + gap;
  }
  return out;
}

function utterances(items: EmodbItem[], count: number): Float32Array[] {
  if (items.length === 0) throw new Error('EmoDB has no utterances for this selection');
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const { samples, sampleRateHz } = readEmodbSamples(items[i % items.length]);
    out.push(sampleRateHz === CALL_RATE_HZ ? samples : resample(samples, sampleRateHz, CALL_RATE_HZ));
  }
  return out;
}

/**
 * Customer: `neutralCount` neutral utterances of one speaker, then `angryCount` angry ones of the
 * same speaker; agent: neutral utterances of another speaker, as long as the customer's channel.
 */
export function emodbCall(options: { neutralCount?: number; angryCount?: number } = {}): StereoCall {
  const items = listEmodb();
  const customerSpeaker = '03';
  const agentSpeaker = '08';
  const pick = (speaker: string, code: string) =>
    items.filter((i) => i.speaker === speaker && i.code === code);
  const neutral = utterances(pick(customerSpeaker, 'N'), options.neutralCount ?? 10);
  const angry = utterances(pick(customerSpeaker, 'W'), options.angryCount ?? 10);
  const customer = concat([...neutral, ...angry], CALL_RATE_HZ);
  const neutralSamples = neutral.reduce(
    (n, p) => n + p.length + Math.round((GAP_MS * CALL_RATE_HZ) / 1000),
    0,
  );
  const agentParts = utterances(pick(agentSpeaker, 'N'), neutral.length + angry.length);
  const agent = new Float32Array(customer.length);
  agent.set(concat(agentParts, CALL_RATE_HZ).subarray(0, customer.length));
  return {
    sampleRateHz: CALL_RATE_HZ,
    agent,
    customer,
    angryFromMs: Math.round((neutralSamples * 1000) / CALL_RATE_HZ),
  };
}

/**
 * A voice-like synthetic channel: a harmonic tone at `f0Hz` with a slow pitch drift, switched on
 * and off at about 4 syllables per second with pauses, plus a little noise. Deterministic.
 */
export function syntheticVoice(seconds: number, f0Hz: number, rate = CALL_RATE_HZ, seed = 1): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  let state = seed >>> 0 || 1;
  const noise = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x1_0000_0000 - 0.5;
  };
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    const f = f0Hz * (1 + 0.08 * Math.sin(2 * Math.PI * 0.3 * t));
    phase += (2 * Math.PI * f) / rate;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
    const phrase = Math.sin(2 * Math.PI * 0.2 * t + seed) > -0.4 ? 1 : 0;
    let v = 0;
    for (let h = 1; h <= 5; h++) v += Math.sin(h * phase) / h;
    out[i] = 0.25 * v * syllable * phrase + 0.003 * noise();
  }
  return out;
}

export function syntheticCall(seconds: number, seed = 1): StereoCall {
  return {
    sampleRateHz: CALL_RATE_HZ,
    agent: syntheticVoice(seconds, 120, CALL_RATE_HZ, seed),
    customer: syntheticVoice(seconds, 210, CALL_RATE_HZ, seed + 7),
    angryFromMs: null,
  };
}

// Lays out one demo call from its turn plan: clips drawn without replacement from seeded shuffled
// pools, placed one after another with 400–800 ms gaps, each on its speaker's channel while the
// other channel stays silent (turn-taking), and the listener's truth (calls.json entry) beside.
// Pure, no I/O: the caller reads the clips and writes the WAV.
import { gauss } from '../../../devkit/audio/test-signals.ts';
import type { CustomerSegment, DemoCall, PlacedClip } from './calls-file.ts';
import type { CallPlan } from './plan.ts';

export interface SourceClip {
  /** Path from the corpora folder, as in its manifest. */
  source: string;
  speaker: string;
  label: string;
  samples: Float32Array;
}

export interface ClipPool {
  /** The next unused clip of this speaker and label; throws when none is left. */
  take(speaker: string, label: string): SourceClip;
}

const GAP_MIN_MS = 400;
const GAP_MAX_MS = 800;
/**
 * Line noise under the silent parts, RMS in dBFS: the clips carry their own room noise at about
 * -55 to -75 dBFS, and a channel of digital zeros between them is not what a phone line sends.
 */
const NOISE_FLOOR_DBFS = -70;

/** Fisher–Yates with the given generator: the same seed gives the same order. */
function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function createClipPool(clips: readonly SourceClip[], rand: () => number): ClipPool {
  const lists = new Map<string, SourceClip[]>();
  for (const clip of clips) {
    const key = `${clip.speaker}|${clip.label}`;
    lists.set(key, [...(lists.get(key) ?? []), clip]);
  }
  // Shuffled once, in sorted key order, so the draw does not depend on the manifest's row order.
  for (const key of [...lists.keys()].sort()) lists.set(key, shuffled(lists.get(key) ?? [], rand));
  return {
    take(speaker, label) {
      const clip = lists.get(`${speaker}|${label}`)?.shift();
      if (!clip) throw new Error(`no unused ${label} clip of ${speaker} left for the demo calls`);
      return clip;
    },
  };
}

export interface AssembledCall {
  agent: Float32Array;
  customer: Float32Array;
  call: DemoCall;
}

/** Customer spans by label: each from its first clip to the next span's first clip (or the end). */
function customerSegments(clips: readonly PlacedClip[], durationMs: number): CustomerSegment[] {
  const segments: CustomerSegment[] = [];
  for (const clip of clips) {
    if (clip.channel !== 'customer' || segments.at(-1)?.label === clip.label) continue;
    const previous = segments.at(-1);
    if (previous) previous.endMs = clip.startMs;
    segments.push({ label: clip.label, startMs: segments.length === 0 ? 0 : clip.startMs, endMs: 0 });
  }
  const last = segments.at(-1);
  if (last) last.endMs = durationMs;
  return segments;
}

export function assembleCall(
  plan: CallPlan,
  pool: ClipPool,
  rand: () => number,
  sampleRateHz: number,
): AssembledCall {
  const perMs = sampleRateHz / 1000;
  const gap = (): number => Math.round(perMs * (GAP_MIN_MS + rand() * (GAP_MAX_MS - GAP_MIN_MS)));
  const placed: { clip: SourceClip; channel: 'agent' | 'customer'; at: number }[] = [];
  let at = gap(); // the call is picked up before anyone speaks
  for (const turn of plan.turns) {
    const speaker = turn.who === 'agent' ? plan.agent : plan.customer;
    for (let i = 0; i < turn.clips; i++) {
      const clip = pool.take(speaker, turn.label);
      placed.push({ clip, channel: turn.who, at });
      at += clip.samples.length + gap();
    }
  }
  const length = at;
  const floor = 10 ** (NOISE_FLOOR_DBFS / 20);
  const channels = { agent: new Float32Array(length), customer: new Float32Array(length) };
  for (const samples of [channels.agent, channels.customer]) {
    for (let i = 0; i < length; i++) samples[i] = floor * gauss(rand);
  }
  const clips: PlacedClip[] = placed.map(({ clip, channel, at: start }) => {
    channels[channel].set(clip.samples, start); // the clip itself, untouched
    return {
      channel,
      speaker: clip.speaker,
      label: clip.label,
      source: clip.source,
      startMs: Math.round(start / perMs),
      endMs: Math.round((start + clip.samples.length) / perMs),
    };
  });
  const durationMs = Math.round(length / perMs);
  return {
    ...channels,
    call: {
      id: plan.id,
      file: `${plan.id}.wav`,
      arc: plan.arc,
      description: plan.description,
      durationMs,
      agentSpeaker: plan.agent,
      customerSpeaker: plan.customer,
      customerSegments: customerSegments(clips, durationMs),
      clips,
    },
  };
}

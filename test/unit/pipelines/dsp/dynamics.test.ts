// Two-speaker dynamics: overtalk, mutual silence, talk ratio and response latency on scripted turns.
import { describe, expect, it } from 'vitest';
import { createCallAnalyzer, encodeMuLaw, type DynamicsWindow } from '../../../../pipelines/dsp/index.ts';
import { synthVoiced } from '../../../../devkit/audio/test-signals.ts';

function voice(turns: [number, number][], seconds: number, f0: number, seed: number): Float32Array {
  const on = (t: number): boolean => turns.some(([a, b]) => t >= a && t < b);
  // A voice's own jitter, 0.5 % (a zero-jitter monotone is a steady tone, not speech: tone-gate.ts),
  // and its pitch moving (a pitch held for 5 s is music: music-gate.ts).
  return synthVoiced({
    sampleRateHz: 8000,
    durationS: seconds,
    f0: (t) => f0 * Math.pow(2, (2 * Math.sin(2 * Math.PI * 1.3 * t)) / 12),
    voiced: on,
    jitter: 0.005,
    seed,
  }).samples;
}

function talk(turns: [number, number][], seconds: number, f0: number, seed: number): Uint8Array {
  return encodeMuLaw(voice(turns, seconds, f0, seed));
}

/** `own` plus `other` attenuated by `lossDb`: the other speaker's echo on this channel. */
function withEcho(own: Float32Array, other: Float32Array, lossDb: number): Uint8Array {
  const gain = Math.pow(10, -lossDb / 20);
  return encodeMuLaw(own.map((v, i) => v + gain * other[i]));
}

const total = (ws: DynamicsWindow[], k: 'overtalkCount' | 'overtalkMs'): number =>
  ws.filter((w) => w.windowIndex % 2 === 0).reduce((s, w) => s + w[k], 0); // the 4 s windows tile

function run(agent: Uint8Array, customer: Uint8Array, chunk: number): DynamicsWindow[] {
  const call = createCallAnalyzer({
    format: { codec: 'pcmu', sampleRateHz: 8000 },
    windowMs: 4000,
    windowHopMs: 2000,
  });
  const out: DynamicsWindow[] = [];
  for (let i = 0; i < agent.length; i += chunk) {
    out.push(...call.push('agent', agent.subarray(i, i + chunk)).dynamics);
    out.push(...call.push('customer', customer.subarray(i, i + chunk)).dynamics);
  }
  out.push(...call.flush().dynamics);
  return out;
}

describe('call dynamics', () => {
  // Agent 0-1.5 s, customer answers after 500 ms (2.0-3.0), agent again 3.8-5.0 overlapping the
  // customer's 4.6-6.0 by 400 ms.
  const agent = talk(
    [
      [0, 1.5],
      [3.8, 5.0],
    ],
    8,
    120,
    1,
  );
  const customer = talk(
    [
      [2.0, 3.0],
      [4.6, 6.0],
    ],
    8,
    210,
    2,
  );
  const d = run(agent, customer, 160);

  it('emits one dynamics window per window of the grid, in order', () => {
    expect(d.map((w) => w.windowIndex)).toEqual([0, 1, 2, 3]);
    expect(d[0].startMs).toBe(0);
    expect(d[0].endMs).toBe(4000);
  });
  it('measures the customer response latency (500 ms, within VAD hangover and frame span)', () => {
    expect(d[0].customerResponseLatencyMs.length).toBe(1);
    expect(d[0].customerResponseLatencyMs[0]).toBeGreaterThan(300);
    expect(d[0].customerResponseLatencyMs[0]).toBeLessThan(560);
    expect(d[0].agentResponseLatencyMs[0]).toBeGreaterThan(600);
  });
  it('counts the overtalk in the window that holds it', () => {
    const w = d[1]; // 2-6 s
    expect(w.overtalkCount).toBe(1);
    expect(w.overtalkMs).toBeGreaterThan(300);
    expect(w.overtalkMs).toBeLessThan(600);
  });
  it('measures mutual silence and the talk ratio', () => {
    expect(d[0].longestMutualSilenceMs).toBeGreaterThan(300);
    expect(d[0].longestMutualSilenceMs).toBeLessThan(800);
    expect(d[0].talkRatioAgent).toBeGreaterThan(0.5);
    expect(d[0].talkRatioAgent).toBeLessThan(0.75);
    expect(d[3].talkRatioAgent).toBe(0); // 6-8 s: only the end of the customer turn
  });
  it('does not depend on the chunk size', () => {
    expect(JSON.stringify(run(agent, customer, 333))).toBe(JSON.stringify(d));
  });
});

describe('what is not overtalk', () => {
  // Agent and customer take turns for 12 s; the customer always starts the moment the agent stops.
  const agentTurns: [number, number][] = [
    [0, 1.5],
    [3, 4.5],
    [6, 7.5],
    [9, 10.5],
  ];
  const customerTurns: [number, number][] = agentTurns.map(([, b]) => [b, b + 1.5]);

  it('a latched handover (no gap between turns) is turn-taking, not overtalk', () => {
    // Each VAD's hangover (80 ms) overlapped every handover: four overtalks before.
    const d = run(talk(agentTurns, 12, 120, 1), talk(customerTurns, 12, 210, 2), 160);
    expect(total(d, 'overtalkCount')).toBe(0);
  });

  it('a 200 ms backchannel under the other speaker is not overtalk; a 600 ms one is', () => {
    const agent = talk([[0, 6]], 8, 120, 1);
    expect(total(run(agent, talk([[2, 2.2]], 8, 210, 2), 160), 'overtalkCount')).toBe(0);
    expect(total(run(agent, talk([[2, 2.6]], 8, 210, 2), 160), 'overtalkCount')).toBe(1);
  });

  /** A voice whose level moves with its syllables (4-5 per second), as speech does. */
  function syllabic(turns: [number, number][], seconds: number, f0: number, seed: number, rateHz: number) {
    const v = voice(turns, seconds, f0, seed);
    return v.map((x, i) => x * (0.15 + 0.85 * Math.abs(Math.sin((Math.PI * rateHz * i) / 8000))));
  }
  /** `source` delayed by `delayMs` and attenuated by `lossDb`. */
  const echoOf = (source: Float32Array, lossDb: number, delayMs: number) => {
    const shift = (delayMs * 8000) / 1000;
    const gain = Math.pow(10, -lossDb / 20);
    return source.map((_, i) => (i >= shift ? gain * source[i - shift] : 0));
  };

  it('a mono call on both channels and a speakerphone echo 15-20 dB down are not overtalk; two voices are', () => {
    const agentVoice = syllabic(agentTurns, 12, 120, 1, 4);
    // The same audio on both channels (a platform that duplicates mono): every word was overtalk.
    expect(total(run(encodeMuLaw(agentVoice), encodeMuLaw(agentVoice), 160), 'overtalkCount')).toBe(0);
    const customerVoice = syllabic([...customerTurns, [6.5, 7.3]], 12, 210, 2, 5); // one 800 ms overlap
    for (const [lossDb, delayMs] of [
      [15, 40],
      [20, 20],
      [15, 0],
    ]) {
      const echo = echoOf(agentVoice, lossDb, delayMs);
      const d = run(encodeMuLaw(agentVoice), encodeMuLaw(customerVoice.map((v, i) => v + echo[i])), 160);
      expect(total(d, 'overtalkCount'), `${lossDb} dB, ${delayMs} ms`).toBe(1);
    }
  });

  it("the other speaker's echo on a channel is not a second voice, a real overlap still counts", () => {
    const agentVoice = voice(agentTurns, 12, 120, 1);
    const customerVoice = voice([...customerTurns, [6.5, 7.3]], 12, 210, 2); // one 800 ms overlap
    for (const lossDb of [25, 35]) {
      const d = run(encodeMuLaw(agentVoice), withEcho(customerVoice, agentVoice, lossDb), 160);
      expect(total(d, 'overtalkCount')).toBe(1);
      expect(total(d, 'overtalkMs')).toBeGreaterThan(700);
      expect(total(d, 'overtalkMs')).toBeLessThan(1100);
    }
  });
});

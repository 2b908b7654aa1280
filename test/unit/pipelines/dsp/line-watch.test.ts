// One-way audio on the customer's leg (pipelines/dsp/line-watch.ts): the pure per-frame detector,
// then through the call analyzer with synthetic voices: a dead customer channel (digital silence
// or line noise) while the agent talks and pauses marks the dynamics windows with
// customerLineFaultMs and no talk ratio; a customer who answers, a quiet call and a hold do not.
import { describe, expect, it } from 'vitest';
import {
  createLineWatch,
  LINE_QUIET_FRAMES,
  watchLine,
  YIELD_FRAMES,
} from '../../../../pipelines/dsp/line-watch.ts';
import { createCallAnalyzer, encodeMuLaw, type DynamicsWindow } from '../../../../pipelines/dsp/index.ts';
import { gauss, rng, synthVoiced } from '../../../../devkit/audio/test-signals.ts';

/** Feeds `seconds` of frames: the agent talks 3 s then pauses `pauseS`, the customer as `customer(frame)`. */
function feed(
  seconds: number,
  pauseS: number,
  customer: (frame: number) => number,
  held = (_f: number) => false,
) {
  const w = createLineWatch();
  let first = -1;
  for (let f = 0; f < seconds * 100; f++) {
    const agent = f % ((3 + pauseS) * 100) < 300 ? 1 : 0;
    if (watchLine(w, f, agent, customer(f), held(f)) && first < 0) first = f;
  }
  return { first, watch: w };
}

describe('line watch (per frame)', () => {
  it('suspects the line once the customer has been silent 20 s across three unanswered pauses', () => {
    const { first } = feed(40, 2.5, () => 0);
    expect(first).toBe(LINE_QUIET_FRAMES - 1);
  });

  it('waits for the third unanswered pause when the agent talks on (a monologue is no fault)', () => {
    // Pauses of 1 s: none hands the turn over.
    expect(feed(60, 1, () => 0).first).toBe(-1);
    // Pauses just long enough.
    expect(feed(60, YIELD_FRAMES / 100, () => 0).first).toBeGreaterThan(0);
  });

  it('never faults a customer who answers now and then, and clears as soon as she is heard', () => {
    // She says something every 15 s.
    expect(feed(120, 2.5, (f) => (f % 1500 < 50 ? 1 : 0)).first).toBe(-1);
    const { watch } = feed(40, 2.5, () => 0);
    expect(watch.faultFrom).toBeGreaterThan(0);
    expect(watchLine(watch, 4000, 0, 1, false)).toBe(false);
    expect(watch.faultFrom).toBe(-1);
  });

  it('needs the agent to have spoken: mutual silence alone is no line fault', () => {
    const w = createLineWatch();
    let any = false;
    for (let f = 0; f < 6000; f++) any = watchLine(w, f, 0, 0, false) || any;
    expect(any).toBe(false);
  });

  it('does not count hold time towards the run', () => {
    // 30 s of hold in the middle: the same fault frame, shifted by the hold.
    const plain = feed(40, 2.5, () => 0).first;
    const held = feed(
      70,
      2.5,
      () => 0,
      (f) => f >= 500 && f < 3500,
    ).first;
    expect(held).toBeGreaterThan(plain + 2000);
  });
});

const RATE = 8000;

/** The agent speaks 3 s of every 5.5 s (pauses of 2.5 s); the customer as given. */
function callAudio(seconds: number, customer: 'dead' | 'noise' | 'answers') {
  const agentOn = (t: number) => t % 5.5 < 3;
  const agent = synthVoiced({
    sampleRateHz: RATE,
    durationS: seconds,
    f0: (t) => 120 * Math.pow(2, (2 * Math.sin(2 * Math.PI * 1.3 * t)) / 12),
    voiced: agentOn,
    jitter: 0.005,
    seed: 3,
  }).samples;
  let cust: Float32Array = new Float32Array(agent.length);
  if (customer === 'noise') {
    const rand = rng(5);
    cust = cust.map(() => 10 ** (-55 / 20) * gauss(rand));
  } else if (customer === 'answers') {
    cust = synthVoiced({
      sampleRateHz: RATE,
      durationS: seconds,
      f0: (t) => 210 * Math.pow(2, (3 * Math.sin(2 * Math.PI * 1.1 * t)) / 12),
      voiced: (t) => t % 5.5 >= 3.4 && t % 5.5 < 5.2,
      jitter: 0.005,
      seed: 4,
    }).samples;
  }
  return { agent: encodeMuLaw(agent), customer: encodeMuLaw(cust) };
}

function dynamicsOf(audio: { agent: Uint8Array; customer: Uint8Array }, chunkMs: number): DynamicsWindow[] {
  const call = createCallAnalyzer({ format: { codec: 'pcmu', sampleRateHz: RATE } });
  const step = (chunkMs * RATE) / 1000;
  const out: DynamicsWindow[] = [];
  for (let at = 0; at < audio.agent.length; at += step) {
    out.push(...call.push('agent', audio.agent.subarray(at, at + step)).dynamics);
    out.push(...call.push('customer', audio.customer.subarray(at, at + step)).dynamics);
  }
  out.push(...call.flush().dynamics);
  return out;
}

describe('call analyzer: one-way audio on the customer leg', () => {
  it.each(['dead', 'noise'] as const)(
    'marks the windows from about 20 s on as a line fault with no talk ratio (customer channel %s)',
    (customer) => {
      const dynamics = dynamicsOf(callAudio(40, customer), 20);
      const faulty = dynamics.filter((d) => (d.customerLineFaultMs ?? 0) > 0);
      expect(faulty.length).toBeGreaterThan(10);
      expect(faulty[0].startMs).toBeGreaterThanOrEqual(18_000);
      expect(faulty[0].startMs).toBeLessThanOrEqual(25_000);
      for (const d of faulty) expect(d.talkRatioAgent).toBeNaN();
      // Windows before the fault keep their talk ratio (1: the agent alone was heard).
      expect(dynamics[5].talkRatioAgent).toBe(1);
    },
  );

  it('reads the same whatever the chunk size', () => {
    const audio = callAudio(40, 'dead');
    const strip = (ds: DynamicsWindow[]) =>
      JSON.stringify(ds.map((d) => [d.startMs, d.customerLineFaultMs ?? 0]));
    expect(strip(dynamicsOf(audio, 100))).toBe(strip(dynamicsOf(audio, 20)));
  });

  it('finds no fault when the customer answers every pause', () => {
    const dynamics = dynamicsOf(callAudio(60, 'answers'), 20);
    expect(dynamics.some((d) => (d.customerLineFaultMs ?? 0) > 0)).toBe(false);
    expect(dynamics.every((d) => d.customerLineFaultMs === undefined)).toBe(true);
  });
});

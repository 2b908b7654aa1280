// One-way audio on the customer's leg (pipelines/dsp/line-watch.ts): the pure per-frame detector,
// then through the call analyzer with synthetic voices: a dead customer channel (digital silence
// or line noise) while the agent talks and pauses marks the dynamics windows with
// customerLineFaultMs and no talk ratio; a customer who answers, a quiet call, a hold, a customer
// who waits through the agent's lookups and one who listens to the agent reading do not.
import { describe, expect, it } from 'vitest';
import {
  createLineWatch,
  LINE_QUIET_FRAMES,
  NOISY_LINE_QUIET_FRAMES,
  watchLine,
  YIELD_FRAMES,
} from '../../../../pipelines/dsp/line-watch.ts';
import { createCallAnalyzer, encodeMuLaw, type DynamicsWindow } from '../../../../pipelines/dsp/index.ts';
import { gauss, rng, synthVoiced } from '../../../../devkit/audio/test-signals.ts';

/** Digital silence (a dead RTP leg) and a live line's or comfort noise's level (dBFS). */
const SILENT_DB = -120;
const NOISE_DB = -58;
/** The customer heard at the call's first frame only. */
const saidHello = (f: number) => (f === 0 ? 1 : 0);

/**
 * Feeds `seconds` of frames: the agent talks `talkS` (3 s) then pauses `pauseS`, the customer as
 * `customer(frame)`, her channel at `customerDb`.
 */
function feed(
  seconds: number,
  pauseS: number,
  customer: (frame: number) => number,
  held = (_f: number) => false,
  customerDb = SILENT_DB,
  talkS = 3,
) {
  const w = createLineWatch();
  let first = -1;
  for (let f = 0; f < seconds * 100; f++) {
    const agent = f % Math.round((talkS + pauseS) * 100) < talkS * 100 ? 1 : 0;
    if (watchLine(w, f, agent, customer(f), customerDb, held(f)) && first < 0) first = f;
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
    expect(watchLine(watch, 4000, 0, 1, NOISE_DB, false)).toBe(false);
    expect(watch.faultFrom).toBe(-1);
  });

  it('needs the agent to have spoken: mutual silence alone is no line fault', () => {
    const w = createLineWatch();
    let any = false;
    for (let f = 0; f < 6000; f++) any = watchLine(w, f, 0, 0, SILENT_DB, false) || any;
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

  it('on a channel that carries noise, suspects the line after 30 s of re-prompts (pauses of 2-4 s)', () => {
    // She spoke first (frame 0), then nothing comes back.
    const first = feed(60, 2.5, saidHello, undefined, NOISE_DB).first;
    expect(first).toBeGreaterThanOrEqual(NOISY_LINE_QUIET_FRAMES);
    expect(first).toBeLessThan(NOISY_LINE_QUIET_FRAMES + 600);
  });

  it("does not suspect a customer who waits on a live line through the agent's lookups", () => {
    // "One moment, let me check" (3 s) and 5 s or 9 s lookups, for two minutes.
    for (const pauseS of [5, 9]) expect(feed(120, pauseS, saidHello, undefined, NOISE_DB).first).toBe(-1);
    // The same lookups on a digitally silent channel: nothing comes back, the line is dead.
    expect(feed(120, 5, saidHello).first).toBeGreaterThan(0);
  });

  it('does not suspect a customer who listens to the agent reading (pauses under 2 s)', () => {
    expect(feed(120, 1.2, saidHello, undefined, NOISE_DB, 12).first).toBe(-1);
  });

  it('judges a customer never heard since the call began as a dead line, noise or not', () => {
    // No "hello" of hers at all: the 20-s thresholds, as on digital silence (past 20 s at the
    // third unanswered pause: 2 s into the third 5-s pause, at 21 s).
    expect(feed(120, 5, () => 0, undefined, NOISE_DB).first).toBe(2 * 800 + 300 + YIELD_FRAMES - 1);
  });

  it('judges the run by its own channel: a line that went digitally silent mid-run is dead', () => {
    // 4 s of her room noise after she last spoke, then nothing: the dead thresholds (20 s).
    const w = createLineWatch();
    let first = -1;
    for (let f = 0; f < 6000 && first < 0; f++) {
      const agent = f % 550 < 300 ? 1 : 0;
      if (watchLine(w, f, agent, 0, f < 400 ? NOISE_DB : SILENT_DB, false)) first = f;
    }
    expect(first).toBe(LINE_QUIET_FRAMES - 1);
  });
});

const RATE = 8000;

/**
 * The agent speaks 3 s of every 5.5 s (pauses of 2.5 s), or of every 8 s ('waits': 5-s lookups
 * while the customer's live line carries her room's noise); the customer as given.
 */
function callAudio(seconds: number, customer: 'dead' | 'noise' | 'answers' | 'waits') {
  const cycle = customer === 'waits' ? 8 : 5.5;
  const agentOn = (t: number) => t % cycle < 3;
  const agent = synthVoiced({
    sampleRateHz: RATE,
    durationS: seconds,
    f0: (t) => 120 * Math.pow(2, (2 * Math.sin(2 * Math.PI * 1.3 * t)) / 12),
    voiced: agentOn,
    jitter: 0.005,
    seed: 3,
  }).samples;
  let cust: Float32Array = new Float32Array(agent.length);
  if (customer === 'noise' || customer === 'waits') {
    // She says hello (the first 1.5 s), then her channel carries noise only.
    const hello = synthVoiced({
      sampleRateHz: RATE,
      durationS: 1.5,
      f0: () => 210,
      voiced: () => true,
      jitter: 0.005,
      seed: 4,
    }).samples;
    const rand = rng(5);
    cust = cust.map((_, i) => (i < hello.length ? hello[i] : 0) + 10 ** (-55 / 20) * gauss(rand));
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
  it.each([
    ['dead', 18_000, 25_000],
    ['noise', 30_000, 37_000],
  ] as const)(
    'marks the windows as a line fault with no talk ratio (customer channel %s: from %i ms on)',
    (customer, from, by) => {
      const dynamics = dynamicsOf(callAudio(50, customer), 20);
      const faulty = dynamics.filter((d) => (d.customerLineFaultMs ?? 0) > 0);
      expect(faulty.length).toBeGreaterThan(10);
      expect(faulty[0].startMs).toBeGreaterThanOrEqual(from);
      expect(faulty[0].startMs).toBeLessThanOrEqual(by);
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

  it('finds no fault when the customer waits on a live line through 5-s lookups', () => {
    const dynamics = dynamicsOf(callAudio(60, 'waits'), 20);
    expect(dynamics.some((d) => (d.customerLineFaultMs ?? 0) > 0)).toBe(false);
  });

  it('finds no fault when the customer answers every pause', () => {
    const dynamics = dynamicsOf(callAudio(60, 'answers'), 20);
    expect(dynamics.some((d) => (d.customerLineFaultMs ?? 0) > 0)).toBe(false);
    expect(dynamics.every((d) => d.customerLineFaultMs === undefined)).toBe(true);
  });
});

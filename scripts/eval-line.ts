// `npm run eval:line [-- --calls id,id]`: telephone line faults on the shipped demo calls
// (assets/nemo-calls): the customer's channel dead (digital silence, or line noise only) from the
// start or from 30 s on while the agent talks (one-way audio), the two channels swapped, and mains
// hum (50/60 Hz with odd harmonics; also through the telephone band, and on a grid 0.05 Hz off) on
// the customer's channel over her speech or alone (devkit/audio/line-faults.ts). Each runs
// in-process through the call analyzer, both emotion trackers and the alert engine with the
// shipped model and rules (devkit/pipeline/in-process-call.ts), then the scorecard. Prints ONE JSON
// object: per call and condition, the customer's shown states (and the share of the clean call's
// she keeps), her speech seconds, the alerts raised, talk ratio, overtalks, line-fault seconds and
// the scorecard's score and talk-ratio part. Not shipped at run time. I/O: reads assets/, models/
// and config/. Also a customer who waits quietly on a live line while the agent looks something
// up or reads terms (devkit/audio/waiting-customer.ts: no fault expected).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleSetText } from '../pipelines/alerts/index.ts';
import { decodeMuLaw, encodeMuLaw } from '../pipelines/dsp/index.ts';
import { computeScorecard } from '../pipelines/scorecard/index.ts';
import { demoCallAudio, shippedEmotionModel } from '../devkit/heap/hot-path-call.ts';
import { deadFrom, withHum, type MainsHum } from '../devkit/audio/line-faults.ts';
import { withWaitingCustomer, type AgentTurns } from '../devkit/audio/waiting-customer.ts';
import { G168_CONDITIONS, withLineEcho } from '../devkit/audio/line-echo.ts';
import { gauss, rng } from '../devkit/audio/test-signals.ts';
import {
  runCallInProcess,
  shownAgreement,
  shownStates,
  type InProcessCall,
} from '../devkit/pipeline/in-process-call.ts';
import { parseCli } from '../services/shared/cli-args.ts';
import type { DemoCallsFile } from './lib/demo-calls/calls-file.ts';

const USAGE = 'usage: npm run eval:line [-- --calls id,id,...]';
const { values } = parseCli('eval:line', USAGE, { options: { calls: { type: 'string' } } });
const REPO = join(import.meta.dirname, '..');
const model = shippedEmotionModel();
const rules = parseRuleSetText(readFileSync(join(REPO, 'config/alert-rules.yaml'), 'utf8'));
const FORMAT = { codec: 'pcmu', sampleRateHz: 8000 } as const;
const RATE = FORMAT.sampleRateHz;
/** Line noise of a quiet analogue or mobile line (and comfort noise) on both channels where named. */
const LINE_NOISE_DBFS = -55;
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

type Audio = { agent: Float32Array; customer: Float32Array };
const noisy = (a: Audio): Audio => {
  const rand = rng(3);
  const add = (x: Float32Array): Float32Array => x.map((v) => v + 10 ** (LINE_NOISE_DBFS / 20) * gauss(rand));
  return { agent: add(a.agent), customer: add(a.customer) };
};

/** A waiting customer's room on a live handset (dBFS): breathing, a room, the microphone. */
const ROOM_DBFS = -60;
/** At 30 s, the agent's turns inserted while the customer waits on a live line (`room`: null = digital silence). */
const waiting =
  (turns: AgentTurns, room: number | null = ROOM_DBFS) =>
  (a: Audio): Audio =>
    withWaitingCustomer(a, RATE, 30, turns, room);

/** Mains hum added under the customer's voice. */
const overSpeech = (hum: MainsHum): { clean: boolean; make: (a: Audio) => Audio } => ({
  clean: false,
  make: (a) => ({ ...a, customer: withHum(a.customer, hum, RATE) }),
});

/** Each condition from the clean call's float audio; `clean` names the reference it is compared with. */
const CONDITIONS: Record<string, { clean: boolean; make: (a: Audio) => Audio }> = {
  clean: { clean: true, make: (a) => a },
  'clean-noise-55': { clean: true, make: noisy },
  'oneway-silent': { clean: false, make: (a) => ({ ...a, customer: deadFrom(a.customer, RATE, 0, null) }) },
  'oneway-silent-from-30s': {
    clean: false,
    make: (a) => ({ ...a, customer: deadFrom(a.customer, RATE, 30, null) }),
  },
  'oneway-noise-55': {
    clean: false,
    make: (a) => noisy({ ...a, customer: deadFrom(a.customer, RATE, 0, null) }),
  },
  'oneway-noise-45-from-30s': {
    clean: false,
    make: (a) => ({ ...noisy(a), customer: deadFrom(a.customer, RATE, 30, -45) }),
  },
  swapped: { clean: false, make: (a) => ({ agent: a.customer, customer: a.agent }) },
  'hum50-40dB-over-speech': overSpeech({ mainsHz: 50, levelDbfs: -40 }),
  'hum60-30dB-over-speech': overSpeech({ mainsHz: 60, levelDbfs: -30 }),
  'hum50-30dB-over-speech': overSpeech({ mainsHz: 50, levelDbfs: -30 }),
  'hum60-40dB-over-speech': overSpeech({ mainsHz: 60, levelDbfs: -40 }),
  // What a telephone line passes of it: its harmonics from 300 Hz on, the fundamental gone.
  'hum50-30dB-banded-over-speech': overSpeech({ mainsHz: 50, levelDbfs: -30, banded: true }),
  // The grid 0.05 Hz off its nominal frequency (the edge of Europe's normal band).
  'hum50.05-30dB-over-speech': overSpeech({ mainsHz: 50, levelDbfs: -30, offHz: 0.05 }),
  'hum50-30dB-alone': {
    clean: false,
    make: (a) => ({
      ...a,
      customer: withHum(new Float32Array(a.customer.length), { mainsHz: 50, levelDbfs: -30 }, RATE),
    }),
  },
  'hum60-40dB-alone': {
    clean: false,
    make: (a) => ({
      ...a,
      customer: withHum(new Float32Array(a.customer.length), { mainsHz: 60, levelDbfs: -40 }, RATE),
    }),
  },
  // "One moment, let me check" (3 s) and a lookup, three times; six times; with line noise.
  'waiting-lookups-5s': { clean: true, make: waiting({ talkS: 3, pauseS: 5, count: 3 }) },
  'waiting-lookups-9s': { clean: true, make: waiting({ talkS: 3, pauseS: 9, count: 3 }) },
  'waiting-lookups-5s-x6': { clean: true, make: waiting({ talkS: 3, pauseS: 5, count: 6 }) },
  'waiting-lookups-3s-x6-noise-55': {
    clean: true,
    make: (a) => noisy(waiting({ talkS: 3, pauseS: 3, count: 6 })(a)),
  },
  // Terms read aloud: 10-s stretches with breath pauses of 1.2 s, 50 s in all.
  'waiting-reading-terms': { clean: true, make: waiting({ talkS: 10, pauseS: 1.2, count: 5 }) },
  // Her handset sends digital silence while she waits (no comfort noise): the watch's known limit.
  'waiting-lookups-5s-digital-silence': {
    clean: true,
    make: waiting({ talkS: 3, pauseS: 5, count: 3 }, null),
  },
};

/** Seconds of the call marked as a customer line fault (2-s windows, 1-s hop: each second twice). */
const lineFaultS = (run: InProcessCall): number =>
  run.dynamics.reduce((n, d) => n + (d.customerLineFaultMs ?? 0), 0) / 2000;

function figures(
  run: InProcessCall,
  durationMs: number,
  cleanShown: Map<number, string> | null,
): Record<string, unknown> {
  const shown: Record<string, number> = {};
  const shownByWindow = shownStates(run.events.customer);
  for (const state of shownByWindow.values()) shown[state] = (shown[state] ?? 0) + 1;
  let agentS = 0;
  let customerS = 0;
  for (const w of run.windows.agent) agentS += w.speechFraction / 2;
  for (const w of run.windows.customer) customerS += w.speechFraction / 2;
  const card = computeScorecard({
    durationMs,
    windows: (['agent', 'customer'] as const).flatMap((channel) =>
      run.windows[channel].map((w) => ({
        channel,
        startMs: w.startMs,
        endMs: w.endMs,
        speechFraction: w.speechFraction,
        syllableRate: Number.isFinite(w.pace.syllableRate) ? w.pace.syllableRate : null,
        tensionIndex: Number.isFinite(w.tensionIndex) ? w.tensionIndex : null,
      })),
    ),
    emotions: (['agent', 'customer'] as const).flatMap((channel) =>
      run.events[channel].map((e) => ({
        channel,
        startMs: e.startMs,
        endMs: e.endMs,
        state: e.state,
        valence: e.valence,
        arousal: e.arousal,
      })),
    ),
    dynamics: run.dynamics.map((d) => ({
      ...d,
      talkRatioAgent: Number.isFinite(d.talkRatioAgent) ? d.talkRatioAgent : null,
    })),
    alerts: run.alerts
      .filter((a) => a.kind === 'raised')
      .map((a) => ({
        alertId: a.alertId,
        ruleId: a.ruleId,
        startMs: a.audioMs,
        firedAtMs: a.audioMs,
        ackedAtMs: null,
        audience: a.audience,
      })),
  });
  const talkPart = card.parts.find((p) => p.name === 'talkRatio');
  // The customer's longest run of windows without her speech (s, to the window hop): how near a
  // clean call comes to the 20 s the line watch needs.
  let quiet = 0;
  let longestQuiet = 0;
  for (const w of run.windows.customer) {
    quiet = w.speechFraction === 0 ? quiet + 1 : 0;
    longestQuiet = Math.max(longestQuiet, quiet);
  }
  return {
    customerShown: shown,
    // Share of the clean call's shown customer states this condition repeats, window by window.
    customerAgreement: cleanShown === null ? 1 : round(shownAgreement(cleanShown, shownByWindow)),
    customerSpeechS: round(customerS, 1),
    agentSpeechS: round(agentS, 1),
    alerts: run.alerts
      .filter((a) => a.kind === 'raised')
      .map((a) => `${a.ruleId}@${Math.round(a.audioMs / 1000)}s`),
    talkRatioAgent: card.measures.talkRatioAgent === null ? null : round(card.measures.talkRatioAgent),
    talkRatioPart: talkPart?.value ?? null,
    overtalks: run.dynamics.reduce((n, d) => n + d.overtalkCount, 0) / 2,
    lineFaultS: round(lineFaultS(run), 1),
    customerLongestQuietS: longestQuiet > 0 ? longestQuiet + 1 : 0,
    scoreParts: Object.fromEntries(card.parts.map((p) => [p.name, p.value])),
    score: card.score,
    unscored: card.unscored,
  };
}

const demoCalls = JSON.parse(
  readFileSync(join(REPO, 'assets/nemo-calls/calls.json'), 'utf8'),
) as DemoCallsFile;
const wanted = values.calls?.split(',');
const out: Record<string, unknown> = {};
for (const call of demoCalls.calls) {
  if (wanted && !wanted.includes(call.id)) continue;
  const shipped = demoCallAudio(call.id);
  const clean = { agent: decodeMuLaw(shipped.agent), customer: decodeMuLaw(shipped.customer) };
  const conditions: Record<string, unknown> = {};
  let cleanShown: Map<number, string> | null = null;
  for (const [name, c] of Object.entries(CONDITIONS)) {
    const a = c.make(clean);
    // The shipped call exactly as recorded; the others re-encoded.
    const bytes =
      name === 'clean' ? shipped : { agent: encodeMuLaw(a.agent), customer: encodeMuLaw(a.customer) };
    const run = runCallInProcess(bytes, FORMAT, model, rules, call.id);
    // The waiting conditions are longer than the call by the turns inserted.
    const durationMs =
      a.agent.length === clean.agent.length ? call.durationMs : Math.round((a.agent.length / RATE) * 1000);
    conditions[name] = figures(run, durationMs, cleanShown);
    if (name === 'clean') cleanShown = shownStates(run.events.customer);
    process.stderr.write(`${call.id} ${name} done\n`);
  }
  // The line echo conditions of eval:echo, on the clean call and with line noise: no line fault.
  const echoFaultS: Record<string, number> = {};
  for (const noise of [false, true]) {
    const base = noise ? noisy(clean) : clean;
    for (const c of G168_CONDITIONS) {
      const customer = encodeMuLaw(withLineEcho(base.customer, base.agent, c, RATE));
      const run = runCallInProcess(
        { agent: encodeMuLaw(base.agent), customer },
        FORMAT,
        model,
        rules,
        call.id,
      );
      echoFaultS[`${c.name}${noise ? '-noise-55' : ''}`] = round(lineFaultS(run), 1);
    }
    process.stderr.write(`${call.id} echo conditions${noise ? ' with noise' : ''} done\n`);
  }
  out[call.id] = { ...conditions, echoConditionsLineFaultS: echoFaultS };
}
process.stdout.write(`${JSON.stringify(out)}\n`);

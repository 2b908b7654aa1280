// `npm run eval:echo [-- --calls id,id] [--noise-dbfs=-55]`: the shipped demo calls
// (assets/nemo-calls), optionally with white line noise on both channels, with a line echo of the agent added to the customer channel, as ITU-T G.168
// tests echo cancellers (devkit/audio/line-echo.ts: delay 8-64 ms, echo return loss 15/20/30 dB,
// one dispersive path), each run in-process through the call analyzer, both emotion trackers and
// the alert engine with the shipped model and rules (devkit/pipeline/in-process-call.ts). Prints
// ONE JSON object: per call and condition, the customer's shown states per listener's span, the
// agreement with the clean call, the frustration alert, talk ratio and overtalk. Not shipped at
// run time. I/O: reads assets/, models/ and config/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleSetText } from '../pipelines/alerts/index.ts';
import { decodeMuLaw, encodeMuLaw } from '../pipelines/dsp/index.ts';
import { demoCallAudio, shippedEmotionModel } from '../devkit/heap/hot-path-call.ts';
import { G168_CONDITIONS, withLineEcho } from '../devkit/audio/line-echo.ts';
import { gauss, rng } from '../devkit/audio/test-signals.ts';
import {
  runCallInProcess,
  shownAgreement,
  shownStates,
  type InProcessCall,
} from '../devkit/pipeline/in-process-call.ts';
import { parseCli, usageExit } from '../services/shared/cli-args.ts';
import type { DemoCall, DemoCallsFile } from './lib/demo-calls/calls-file.ts';

const USAGE =
  'usage: npm run eval:echo [-- --calls id,id,...] [--noise-dbfs=N (e.g. -55: line noise on both channels)]';
const { values } = parseCli('eval:echo', USAGE, {
  options: { calls: { type: 'string' }, 'noise-dbfs': { type: 'string' } },
});
const noiseDbfs = values['noise-dbfs'] === undefined ? null : Number(values['noise-dbfs']);
if (noiseDbfs !== null && !(noiseDbfs < 0 && noiseDbfs >= -100))
  usageExit(
    'eval:echo',
    USAGE,
    `--noise-dbfs must be a level in dBFS in [-100, 0) (got "${values['noise-dbfs']}")`,
  );
const REPO = join(import.meta.dirname, '..');
const model = shippedEmotionModel();
const rules = parseRuleSetText(readFileSync(join(REPO, 'config/alert-rules.yaml'), 'utf8'));
const FORMAT = { codec: 'pcmu', sampleRateHz: 8000 } as const;
const NOISE_SEED = 3;
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

const CONDITIONS = G168_CONDITIONS;

interface CallFigures {
  segments: {
    label: string;
    startMs: number;
    endMs: number;
    speechWindows: number;
    shown: Record<string, number>;
  }[];
  /** Per window index, the customer's shown state (speech windows only). */
  shownByWindow: Map<number, string>;
  frustrationAtMs: number[];
  alerts: string[];
  talkRatioAgent: number;
  customerSpeechS: number;
  overtalks: number;
  elapsedMs: number;
}

function figures(call: DemoCall, run: InProcessCall, elapsedMs: number): CallFigures {
  const shownByWindow = shownStates(run.events.customer);
  const segments = call.customerSegments.map((s) => {
    const shown: Record<string, number> = {};
    let speechWindows = 0;
    for (const e of run.events.customer) {
      const mid = (e.startMs + e.endMs) / 2;
      const state = shownByWindow.get(e.windowIndex);
      if (mid < s.startMs || mid >= s.endMs || state === undefined) continue;
      shown[state] = (shown[state] ?? 0) + 1;
      speechWindows++;
    }
    for (const k of Object.keys(shown)) shown[k] = round(shown[k] / speechWindows, 2);
    return { label: s.label, startMs: s.startMs, endMs: s.endMs, speechWindows, shown };
  });
  // Talk of the whole call from the speaker windows: 2 s long, 1 s hop, so each second is in two
  // of them and the sum of their speech fractions is seconds of speech.
  let agentS = 0;
  let customerS = 0;
  for (const w of run.windows.agent) agentS += w.speechFraction;
  for (const w of run.windows.customer) customerS += w.speechFraction;
  return {
    segments,
    shownByWindow,
    frustrationAtMs: run.alerts
      .filter((a) => a.ruleId === 'customer-frustration' && a.kind === 'raised')
      .map((a) => a.audioMs),
    alerts: run.alerts
      .filter((a) => a.kind === 'raised')
      .map((a) => `${a.ruleId}@${Math.round(a.audioMs / 1000)}s`),
    talkRatioAgent: round(agentS / (agentS + customerS)),
    customerSpeechS: round(customerS, 1),
    overtalks: run.dynamics.reduce((n, d) => n + d.overtalkCount, 0) / 2,
    elapsedMs: Math.round(elapsedMs),
  };
}

function measure(call: DemoCall, audio: { agent: Uint8Array; customer: Uint8Array }): CallFigures {
  const t0 = performance.now();
  const run = runCallInProcess(audio, FORMAT, model, rules, call.id);
  return figures(call, run, performance.now() - t0);
}

const demoCalls = JSON.parse(
  readFileSync(join(REPO, 'assets/nemo-calls/calls.json'), 'utf8'),
) as DemoCallsFile;
const wanted = values.calls?.split(',');
const unknown = wanted?.filter((id) => !demoCalls.calls.some((c) => c.id === id)) ?? [];
if (unknown.length > 0)
  usageExit('eval:echo', USAGE, `no shipped call ${unknown.join(', ')} in assets/nemo-calls`);
const out: Record<string, unknown> = {};
for (const call of demoCalls.calls) {
  if (wanted && !wanted.includes(call.id)) continue;
  const shipped = demoCallAudio(call.id);
  // The demo calls hold digital silence between turns; a line has noise: white noise on both
  // channels (seeded), in the clean reference as in the echoed calls.
  const rand = rng(NOISE_SEED);
  const noisy = (x: Float32Array): Float32Array =>
    noiseDbfs === null ? x : x.map((v) => v + 10 ** (noiseDbfs / 20) * gauss(rand));
  const agent = noisy(decodeMuLaw(shipped.agent));
  const customer = noisy(decodeMuLaw(shipped.customer));
  const agentBytes = noiseDbfs === null ? shipped.agent : encodeMuLaw(agent);
  const clean = measure(call, {
    agent: agentBytes,
    customer: noiseDbfs === null ? shipped.customer : encodeMuLaw(customer),
  });
  const conditions: Record<string, unknown> = {};
  for (const c of CONDITIONS) {
    const echoed = encodeMuLaw(withLineEcho(customer, agent, c, FORMAT.sampleRateHz));
    const f = measure(call, { agent: agentBytes, customer: echoed });
    // Agreement: the clean call's customer speech windows whose shown state the echoed call repeats.
    const { shownByWindow, ...rest } = f;
    conditions[c.name] = {
      ...rest,
      agreementWithClean: round(shownAgreement(clean.shownByWindow, shownByWindow), 2),
    };
    process.stderr.write(`${call.id} ${c.name} done\n`);
  }
  out[call.id] = { noiseDbfs, clean: { ...clean, shownByWindow: undefined }, echo: conditions };
}
process.stdout.write(`${JSON.stringify(out)}\n`);

// `npm run eval:emotion-live`: the live tracker on a simulated call per EmoDB speaker (its neutral
// files twice, then 5 angry ones, 8 kHz µ-law, streamed through the channel analyzer) under each
// baseline variant: share of the neutral part judged neutral, speakers reaching "angry" within 2
// windows of the change, share of the angry part judged angry. Uses the committed model (trained
// on all speakers: optimistic). Prints one JSON object. I/O: reads EmoDB and the model.
import { readFileSync } from 'node:fs';
import { createChannelAnalyzer, toTelephoneBand } from '../pipelines/dsp/index.ts';
import { createEmotionTracker, parseEmotionModel } from '../pipelines/emotion/index.ts';
import { listEmodb, readEmodbSamples } from './lib/emodb.ts';
const model = parseEmotionModel(JSON.parse(readFileSync('models/emotion-v1.json', 'utf8')));
const items = listEmodb();
const speakers = [...new Set(items.map((i) => i.speaker))].sort();
const variants: Record<string, object> = {
  plain: { calmStart: false },
  calm: { calmStart: true, calmBaselineOnly: false },
  gated: { calmStart: false, calmBaselineOnly: true },
  calmGated: { calmStart: true, calmBaselineOnly: true },
};
const res: Record<string, { neutralShare: number[]; angerOk: number; angryShare: number[] }> = {};
for (const v of Object.keys(variants)) res[v] = { neutralShare: [], angerOk: 0, angryShare: [] };
for (const s of speakers) {
  const neu = items.filter((i) => i.speaker === s && i.code === 'N');
  const ang = items.filter((i) => i.speaker === s && i.code === 'W').slice(0, 5);
  const parts = [...neu, ...neu, ...ang].map((i) => readEmodbSamples(i));
  const total = parts.reduce((n, p) => n + p.samples.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p.samples, o);
    o += p.samples.length;
  }
  const changeS = 2 * neu.length * 2.0;
  const bytes = toTelephoneBand(all, 22050, 'pcmu');
  const an = createChannelAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
  const windows = [...an.push(bytes), ...an.flush()];
  for (const [name, opts] of Object.entries(variants)) {
    const tr = createEmotionTracker({ model, callId: 'x', channel: 'customer', ...opts });
    const ev = windows.map((w) => tr.push(w));
    const before = ev.filter((e) => e.endMs <= changeS * 1000 && e.state !== 'no-speech');
    const after = ev.filter((e) => e.startMs >= changeS * 1000 && e.state !== 'no-speech');
    res[name].neutralShare.push(
      before.filter((e) => e.state === 'neutral').length / Math.max(1, before.length),
    );
    const firstAngry = after.findIndex((e) => e.state === 'angry');
    if (firstAngry >= 0 && firstAngry <= 2) res[name].angerOk += 1;
    res[name].angryShare.push(after.filter((e) => e.state === 'angry').length / Math.max(1, after.length));
  }
}
const mean = (a: number[]): number => Number((a.reduce((x, y) => x + y, 0) / a.length).toFixed(3));
console.log(
  JSON.stringify(
    Object.fromEntries(
      Object.entries(res).map(([n, r]) => [
        n,
        {
          neutral_share_mean: mean(r.neutralShare),
          neutral_share_worst: Number(Math.min(...r.neutralShare).toFixed(3)),
          anger_within_2_windows: r.angerOk,
          speakers: speakers.length,
          angry_share_mean: mean(r.angryShare),
        },
      ]),
    ),
  ),
);

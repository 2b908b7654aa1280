// `npm run build:demo-calls`: assembles the shipped demo calls (assets/nemo-calls/) from nEMO clips
// of the three held-out speakers: stereo 8 kHz G.711 µ-law WAVs (left = agent, right = customer)
// and calls.json, the listener's truth. Seeded: the same corpus gives the same bytes. I/O: reads
// the corpora folder (CORPORA_DIR, default ../shared/data/corpora), writes assets/nemo-calls/ (the
// WAVs, calls.json and the calls table of its README).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { encodeWav, parseWav } from '../pipelines/audio/wav.ts';
import { assembleCall, createClipPool, type SourceClip } from './lib/demo-calls/assemble.ts';
import type { DemoCallsFile } from './lib/demo-calls/calls-file.ts';
import { withCallsTable } from './lib/demo-calls/calls-table.ts';
import { CALL_PLANS, HELD_OUT_SPEAKERS } from './lib/demo-calls/plan.ts';
import { rng } from '../devkit/audio/test-signals.ts';
import { noArgs } from '../services/shared/cli-args.ts';

noArgs(
  'build:demo-calls',
  'usage: npm run build:demo-calls (no arguments; reads the corpora from ../shared/data/corpora or CORPORA_DIR)',
);

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(REPO_ROOT, 'assets/nemo-calls');
const SEED = 20240601;
const RATE_HZ = 8000;
/** The folder's budget: at most 25 MB, aim at 8 MB. */
const MAX_TOTAL_BYTES = 8 * 1024 * 1024;

const corporaDir = process.env.CORPORA_DIR || resolve(REPO_ROOT, '../shared/data/corpora');
if (!existsSync(join(corporaDir, 'manifest.csv'))) {
  process.stderr.write(
    `build:demo-calls: DATA_MISSING: no manifest.csv in ${corporaDir} (set CORPORA_DIR to the corpora folder)\n`,
  );
  process.exit(2);
}

/** manifest.csv rows of the held-out nEMO speakers (plain CSV: no quoted fields in it). */
function heldOutRows(): { file: string; speaker: string; label: string }[] {
  const [header, ...lines] = readFileSync(join(corporaDir, 'manifest.csv'), 'utf8').trim().split('\n');
  const names = header.split(',');
  const col = (name: string): number => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`manifest.csv has no "${name}" column`);
    return i;
  };
  const [corpus, file, speaker, label] = ['corpus', 'file', 'speaker', 'label'].map(col);
  const wanted = new Set<string>(HELD_OUT_SPEAKERS);
  return lines
    .map((line) => line.split(','))
    .filter((f) => f[corpus] === 'nemo' && wanted.has(f[speaker]))
    .map((f) => ({ file: f[file], speaker: f[speaker], label: f[label] }));
}

function readClip(row: { file: string; speaker: string; label: string }): SourceClip {
  const wav = parseWav(readFileSync(join(corporaDir, row.file)));
  if (wav.sampleRateHz !== RATE_HZ || wav.channels.length !== 1 || wav.encoding !== 'mulaw') {
    throw new Error(`${row.file}: expected 8 kHz mono µ-law, got ${wav.sampleRateHz} Hz ${wav.encoding}`);
  }
  return { source: row.file, speaker: row.speaker, label: row.label, samples: wav.channels[0] };
}

const labelsUsed = new Set(CALL_PLANS.flatMap((p) => p.turns.map((t) => t.label)));
const clips = heldOutRows()
  .filter((row) => labelsUsed.has(row.label))
  .map(readClip);
const rand = rng(SEED);
const pool = createClipPool(clips, rand);
mkdirSync(OUT_DIR, { recursive: true });

const calls: DemoCallsFile['calls'] = [];
let totalBytes = 0;
for (const plan of CALL_PLANS) {
  const { agent, customer, call } = assembleCall(plan, pool, rand, RATE_HZ);
  // Decoded µ-law re-encodes to the same codes (bar µ-law's two zeros, folded into one): the clips
  // reach the file with the samples the corpus has.
  const bytes = encodeWav({ sampleRateHz: RATE_HZ, channels: [agent, customer] }, 'mulaw');
  writeFileSync(join(OUT_DIR, call.file), bytes);
  totalBytes += bytes.length;
  calls.push(call);
}

const manifest: DemoCallsFile = {
  source: 'nEMO (Christop 2024), github.com/amu-cai/nEMO, speakers KD0, SM0 and IC0; see LICENSE.md',
  licence: 'CC BY-NC-SA 4.0',
  seed: SEED,
  sampleRateHz: RATE_HZ,
  encoding: 'G.711 µ-law (WAVE format tag 7), 8 bits',
  channels: { left: 'agent', right: 'customer' },
  calls,
};
// Formatted as the repository's Prettier config wants it, so `npm run lint` passes on the output.
const jsonPath = join(OUT_DIR, 'calls.json');
const options = (await prettier.resolveConfig(jsonPath)) ?? {};
writeFileSync(jsonPath, await prettier.format(JSON.stringify(manifest), { ...options, filepath: jsonPath }));
totalBytes += statSync(jsonPath).size;
const readmePath = join(OUT_DIR, 'README.md');
writeFileSync(readmePath, withCallsTable(readFileSync(readmePath, 'utf8'), calls));
if (totalBytes > MAX_TOTAL_BYTES) {
  throw new Error(`demo calls take ${totalBytes} bytes, over the ${MAX_TOTAL_BYTES}-byte budget`);
}
console.log(
  JSON.stringify({
    out: OUT_DIR,
    total_bytes: totalBytes,
    calls: calls.map((c) => ({
      id: c.id,
      seconds: c.durationMs / 1000,
      agent: c.agentSpeaker,
      customer: c.customerSpeaker,
      segments: c.customerSegments.map((s) => `${s.label} ${s.startMs}-${s.endMs}`),
    })),
  }),
);

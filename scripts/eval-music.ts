// eval:music — hold music against the music gate (pipelines/dsp/music-gate.ts): how much of a
// folder of music tracks still reads as speech, what the live tracker shows on it, how soon a real
// voice is heard after music the gate held (the demo calls' agents picking up), how much of a
// voice with music under it is gated, and that no frame of the corpora's speech is (with their
// highest held share). Reads the music folder, the corpora and assets/nemo-calls (file I/O);
// prints ONE JSON object.
//
// The tracks are not in the repository (licences): any folder of one-channel WAVs, e.g. Debian's
// wesnoth-1.16-music and planetblupi-music-ogg converted as a telephone line carries them:
//   sox in.ogg -r 8000 -c 1 -e u-law out.wav trim 0 90 sinc 300-3400 gain -n -6
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseWav } from '../pipelines/audio/wav.ts';
import { createChannelAnalyzer } from '../pipelines/dsp/index.ts';
import { frameStoreOf, frameTrack } from '../pipelines/dsp/frame-track.ts';
import { FRAME_FIELD } from '../pipelines/dsp/frame-store.ts';
import { createMusicGate } from '../pipelines/dsp/music-gate.ts';
import { createEmotionTracker, parseEmotionModel } from '../pipelines/emotion/index.ts';
import { shownState } from '../pipelines/emotion/shown-state.ts';
import { parseCli, usageExit } from '../services/shared/cli-args.ts';
import { corpusLoaders, DataError, loadCorpora } from './lib/corpora/index.ts';
import { clipSamples8k } from './lib/emotion-data/clip-audio.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';

const USAGE =
  'usage: npm run eval:music -- --music DIR (a folder of one-channel WAV tracks; corpora from ../shared/data or CORPORA_DIR; prints one JSON object)';
const { values } = parseCli('eval:music', USAGE, { options: { music: { type: 'string' } } });
if (!values.music) usageExit('eval:music', USAGE, '--music DIR is required');

const ROOT = resolve(import.meta.dirname, '..');
const RATE = 8000;
const started = Date.now();
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
const round = (v: number, d = 4): number => Math.round(v * 10 ** d) / 10 ** d;
const float8k = { format: { codec: 'float32' as const, sampleRateHz: RATE } };
const bytesOf = (x: Float32Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

/** A track or corpus file that is not usable audio, a missing folder: one line, exit 2. */
function guarded<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    process.stderr.write(`eval:music: ${error.code}: ${error.message}\n`);
    process.exit(2);
  }
}

const musicDir = resolve(values.music);
const tracks = guarded(() => {
  try {
    return readdirSync(musicDir)
      .filter((f) => f.toLowerCase().endsWith('.wav'))
      .sort()
      .map((f) => join(musicDir, f));
  } catch {
    throw new DataError('DATA_MISSING', `${musicDir} is not a readable folder`);
  }
});
if (tracks.length === 0) usageExit('eval:music', USAGE, `${musicDir} holds no .wav file`);
const model = parseEmotionModel(JSON.parse(readFileSync(join(ROOT, 'models/emotion-v2.json'), 'utf8')));
/** Below this speech share a window is `no-speech` to the tracker. */
const SPEECH_WINDOW = model.thresholds.minSpeechFraction;

// 1. Every track alone through the channel analyzer and the tracker, as an agent channel.
const shown = new Map<string, number>();
let windows = 0;
let speechWindows = 0;
let musicS = 0;
const audio = guarded(() => tracks.map((path) => clipSamples8k(path)));
audio.forEach((x, k) => {
  musicS += x.length / RATE;
  const analyzer = createChannelAnalyzer(float8k);
  const tracker = createEmotionTracker({ model, callId: `music-${k}`, channel: 'agent' });
  for (const w of [...analyzer.push(bytesOf(x)), ...analyzer.flush()]) {
    windows++;
    if (w.speechFraction >= SPEECH_WINDOW) speechWindows++;
    const e = tracker.push(w);
    const state = shownState(e.state, e.arousal);
    shown.set(state, (shown.get(state) ?? 0) + 1);
  }
});
log(`music: ${tracks.length} tracks, ${windows} windows`);

// 2. A real voice after 20 s of each track (tracks shorter than 25 s left out): the four demo
// calls' agent channels (nEMO speakers). The delay counts only where the gate held the music's end
// (elsewhere there was nothing to let go of).
const DEMO = ['call-1-calm', 'call-2-angry-recovers', 'call-3-sad', 'call-4-anxious-calms'];
const LEAD_S = 20;
const agents = DEMO.map((id) => {
  const wav = parseWav(readFileSync(join(ROOT, 'assets/nemo-calls', `${id}.wav`)));
  const voice = wav.channels[0].subarray(0, 30 * RATE);
  const alone = new Float32Array(LEAD_S * RATE + voice.length);
  alone.set(voice, LEAD_S * RATE);
  return { voice, start: frameTrack(bytesOf(alone), float8k).speech.indexOf(1) };
});
const delaysMs: number[] = [];
let leadsHeldAtEnd = 0;
let neverHeard = 0;
const longTracks = audio.filter((x) => x.length >= 25 * RATE);
for (const x of longTracks) {
  const lead = x.subarray(0, LEAD_S * RATE);
  const gate = createMusicGate();
  let held = false;
  for (const f0 of frameTrack(bytesOf(lead), float8k).f0Hz) held = gate.update(f0);
  if (!held) continue;
  leadsHeldAtEnd++;
  for (const { voice, start } of agents) {
    const joined = new Float32Array(lead.length + voice.length);
    joined.set(lead);
    joined.set(voice, lead.length);
    const first = frameTrack(bytesOf(joined), float8k).speech.indexOf(1, start);
    if (first < 0) neverHeard++;
    else delaysMs.push((first - start) * 10);
  }
}
delaysMs.sort((a, b) => a - b);
const pct = (q: number): number | null =>
  delaysMs.length === 0 ? null : delaysMs[Math.min(delaysMs.length - 1, Math.floor(q * delaysMs.length))];
log(`voice after music: ${delaysMs.length} pairs`);

// 3. Music under a voice (a radio behind the caller): the share of the demo customers' speech
// frames (their channel alone) that the gate takes for music in the mix, the track 20 / 10 dB
// below the voice (RMS over its speech frames).
/** RMS of the samples of the frames flagged 1 (10 ms hop: 80 samples), or of all without flags. */
function rmsOver(x: Float32Array, frames?: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (frames && frames[Math.floor(i / 80)] !== 1) continue;
    sum += x[i] * x[i];
    n++;
  }
  return Math.sqrt(sum / Math.max(1, n));
}
const customers = DEMO.map(
  (id) => parseWav(readFileSync(join(ROOT, 'assets/nemo-calls', `${id}.wav`))).channels[1],
);
const underVoice: Record<string, number> = {};
for (const belowDb of [20, 10]) {
  let voiceFrames = 0;
  let gated = 0;
  for (const voice of customers) {
    const speech = frameTrack(bytesOf(voice), float8k).speech;
    const voiceLevel = rmsOver(voice, speech); // of the speech, not of the channel's silences
    for (const x of audio) {
      const gain = (voiceLevel * Math.pow(10, -belowDb / 20)) / (rmsOver(x) || 1);
      const mix = new Float32Array(voice.length);
      for (let i = 0; i < mix.length; i++) mix[i] = voice[i] + gain * x[i % x.length];
      const gate = createMusicGate();
      const f0 = frameTrack(bytesOf(mix), float8k).f0Hz;
      for (let i = 0; i < f0.length; i++) {
        const music = gate.update(f0[i]);
        if (speech[i] === 1) {
          voiceFrames++;
          if (music) gated++;
        }
      }
    }
  }
  underVoice[`${belowDb}db_below`] = round(gated / voiceFrames);
}
log('music under a voice: done');

// 4. The corpora: every speaker's clips back to back (no pause between clips: harder than a call).
let corpusFrames = 0;
let corpusGated = 0;
let corpusMaxShare = 0;
let speakers = 0;
for (const [name, clips] of guarded(() => loadCorpora(corpusLoaders()))) {
  const bySpeaker = new Map<string, string[]>();
  for (const c of clips) bySpeaker.set(c.speaker, [...(bySpeaker.get(c.speaker) ?? []), c.path]);
  for (const paths of bySpeaker.values()) {
    const parts = guarded(() => paths.map((p) => clipSamples8k(p)));
    const joined = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    const { store, frames } = frameStoreOf(bytesOf(joined), float8k);
    const gate = createMusicGate();
    for (let i = 0; i < frames; i++) {
      if (gate.update(store.data[store.at(i, FRAME_FIELD.f0)])) corpusGated++;
      const share = gate.heldShare();
      if (share > corpusMaxShare) corpusMaxShare = share;
    }
    corpusFrames += frames;
    speakers++;
  }
  log(`corpus ${name}: ${bySpeaker.size} speakers`);
}

emitBenchmark('eval-music', {
  music_tracks: tracks.length,
  music_s: Math.round(musicS),
  music_windows: windows,
  music_speech_window_share: round(speechWindows / windows),
  music_windows_shown: Object.fromEntries([...shown].sort().map(([k, v]) => [k, round(v / windows)])),
  tracks_of_25_s: longTracks.length,
  tracks_held_at_20_s: leadsHeldAtEnd,
  voice_after_music_pairs: delaysMs.length + neverHeard,
  voice_after_music_never_heard: neverHeard,
  voice_after_music_delay_ms: { median: pct(0.5), p90: pct(0.9), max: pct(1) },
  voice_frames_gated_with_music_under: underVoice,
  corpora_speakers: speakers,
  corpora_frames: corpusFrames,
  corpora_frames_gated: corpusGated,
  corpora_max_held_share: round(corpusMaxShare),
  seconds: Math.round((Date.now() - started) / 1000),
});

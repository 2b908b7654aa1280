// The `voice-analytics analyze` command run as a user runs it (bin/voice-analytics.js in a child
// process) on small generated WAVs: a folder in parallel with a bad file skipped, one file, the
// JSON output, argument errors, and the re-exec under Node 24 from an older node.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../pipelines/audio/wav.ts';
import { FUNCTIONAL_NAMES } from '../../../pipelines/dsp/index.ts';
import { voice } from '../../support/analyze/signals.ts';
import { testModelJson } from '../../support/analyze/test-model.ts';

const BIN = new URL('../../../bin/voice-analytics.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'analyze-cli-'));
const calls = join(dir, 'calls');
const model = join(dir, 'model.json');

function cli(args: string[], node = process.execPath) {
  const run = spawnSync(node, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The command in a child process, as a user runs it; `meanwhile` acts on it while it runs (a
 * signal, a reader that goes away). Resolves with its exit code and what it wrote on stderr.
 */
async function cliWhile(
  args: string[],
  meanwhile: (child: ChildProcessByStdio<null, Readable, Readable>) => void,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  meanwhile(child);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stderr };
}

beforeAll(() => {
  mkdirSync(join(calls, 'day2'), { recursive: true });
  writeFileSync(model, JSON.stringify(testModelJson()));
  const call = { sampleRateHz: 8000, channels: [voice(6, 8000, 120), voice(6, 8000, 230, 7)] };
  writeFileSync(join(calls, 'call-1.wav'), encodeWav(call, 'mulaw'));
  writeFileSync(
    join(calls, 'call-2.wav'),
    encodeWav({ sampleRateHz: 16000, channels: [voice(4, 16000, 180)] }, 'pcm16'),
  );
  writeFileSync(
    join(calls, 'day2', 'call-3.wav'),
    encodeWav({ sampleRateHz: 44100, channels: [voice(3, 44100, 150)] }, 'float32'),
  );
  writeFileSync(join(calls, 'broken.wav'), Buffer.from('RIFF\x10\x00\x00\x00WAVEjunk'));
  const truncated = encodeWav(call, 'pcm16');
  writeFileSync(join(calls, 'truncated.wav'), truncated.subarray(0, 2000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('voice-analytics analyze', () => {
  it('analyses a folder in parallel, skips the bad files with their reason, and writes the JSON', () => {
    const out = join(dir, 'out.json');
    const r = cli(['analyze', calls, '--model', model, '--json', out, '--jobs', '2']);
    expect(r.code).toBe(1); // some files were skipped
    expect(r.stderr).toContain('broken.wav: skipped (NO_FMT_CHUNK');
    // A cut recording is analysed as far as it goes, with a note of what is missing.
    expect(r.stderr).not.toContain('truncated.wav');
    expect(r.stdout).toMatch(
      /truncated\.wav: .*\n {2}note: cut recording: the header declares \d+\.\d s more audio/,
    );
    expect(r.stderr).not.toContain('['); // no progress bar when stderr is not a terminal
    expect(r.stdout).toContain('4 files analysed, 1 skipped');
    expect(r.stdout).toMatch(/call-1\.wav: stereo, 8000 Hz mulaw, 0:06 \(agent = left, customer = right\)/);
    expect(r.stdout).toContain('dynamics: agent talks');
    expect(r.stdout).toMatch(/call-3\.wav: mono, 44100 Hz float32/);

    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.functionalNames).toEqual([...FUNCTIONAL_NAMES]);
    expect(json.files.map((f: { file: string }) => f.file.slice(calls.length + 1))).toEqual([
      'broken.wav',
      'call-1.wav',
      'call-2.wav',
      'day2/call-3.wav',
      'truncated.wav',
    ]);
    const call1 = json.files[1];
    expect(call1.speakers.map((s: { channel: string }) => s.channel)).toEqual(['agent', 'customer']);
    const customer = call1.speakers[1];
    expect(customer.windows.length).toBeGreaterThanOrEqual(5);
    const w = customer.windows[2];
    expect(w.features.functionals).toHaveLength(FUNCTIONAL_NAMES.length);
    expect(w.features.pitch.medianHz).toBeGreaterThan(200);
    expect(w.features.pitch.medianHz).toBeLessThan(260);
    expect(w.emotion.eventId).toBe(`call-1:customer:${w.windowIndex}:emotion`);
    expect(customer.summary.meanProbabilities.neutral).toBeGreaterThan(0.5);
    expect(call1.dynamics.length).toBeGreaterThan(0);
    expect(call1.dynamicsSummary.talkRatioAgent).toBeGreaterThan(0.3);
    expect(json.files[2].dynamics).toBeNull();
    expect(json.files[4].notes).toEqual([expect.stringMatching(/^cut recording: /)]);
  });

  it('analyses one file, with the channels swapped', () => {
    const r = cli([
      'analyze',
      join(calls, 'call-1.wav'),
      '--model',
      model,
      '--channels',
      'agent=right,customer=left',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(agent = right, customer = left)');
    expect(r.stdout).toMatch(/customer \(left\)[^]*pitch 1[12]\d Hz/);
    expect(r.stdout).toContain('1 file analysed');
  });

  it('skips a file without audio (EMPTY_AUDIO, exit 1), analyses silent and NaN-laden ones', () => {
    const edge = join(dir, 'edge');
    mkdirSync(edge);
    const nan = new Float32Array(24000).map((_, i) =>
      i % 7 === 0 ? NaN : i % 11 === 0 ? Infinity : Math.sin(i / 10),
    );
    writeFileSync(
      join(edge, 'empty.wav'),
      encodeWav({ sampleRateHz: 8000, channels: [new Float32Array(0), new Float32Array(0)] }),
    );
    writeFileSync(
      join(edge, 'silent.wav'),
      encodeWav({ sampleRateHz: 8000, channels: [new Float32Array(40000), new Float32Array(40000)] }, 'alaw'),
    );
    writeFileSync(
      join(edge, 'zeros.wav'),
      encodeWav(
        { sampleRateHz: 8000, channels: [new Float32Array(40000), new Float32Array(40000)] },
        'pcm16',
      ),
    );
    writeFileSync(join(edge, 'nan.wav'), encodeWav({ sampleRateHz: 8000, channels: [nan] }, 'float32'));
    const narrow = new Float32Array(20000).map((_, i) => 0.3 * Math.sin(i / 3));
    writeFileSync(join(edge, 'narrow.wav'), encodeWav({ sampleRateHz: 4000, channels: [narrow] }, 'pcm16'));
    const r = cli(['analyze', edge, '--model', model, '--jobs', '1']);
    // A header without samples is a failed recording: skipped and said, so a batch job hears of it.
    expect(r.stderr).toContain('empty.wav: skipped (EMPTY_AUDIO');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /silent\.wav[^]*customer \(right\), 5 windows: mostly no-speech 100 %\n {4}no speech detected/,
    );
    // Digital zeros are analysed (dead air is a call), with a note about the recording path.
    expect(r.stdout).toMatch(/zeros\.wav[^]*note: silent recording/);
    // Below a phone call's 8 kHz the upper telephone band is missing: analysed, and said.
    expect(r.stdout).toMatch(/narrow\.wav[^]*note: narrow band: recorded at 4000 Hz/);
    expect(r.stdout).toContain('4 files analysed, 1 skipped');
  });

  it('skips a mono file when --channels asks for a right channel', () => {
    const r = cli(['analyze', join(calls, 'call-2.wav'), '--model', model, '--channels', 'customer=right']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CHANNEL_OUT_OF_RANGE');
  });

  it.each([
    [['analyze'], /missing <file-or-folder>/],
    [['analyze', 'x.wav', '--channels', 'boss=left'], /unknown speaker "boss"/],
    [['analyze', 'x.wav', '--jobs', '0'], /--jobs must be a whole number/],
    [['analyze', 'x.wav', '--frobnicate'], /unknown option --frobnicate/],
  ])('exits 2 with a clear message and the usage on %j', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    // The first line carries the stable code, as the other errors do.
    expect(r.stderr.split('\n')[0]).toMatch(/^voice-analytics: [A-Z_]+: /);
    expect(r.stderr).toContain('usage: voice-analytics analyze');
  });

  it('exits 2 on a missing path, an empty folder or a missing model', () => {
    expect(cli(['analyze', join(dir, 'nope.wav'), '--model', model]).stderr).toMatch(/PATH_NOT_FOUND/);
    // A device is there, but is not a recording (it was reported as "not found").
    expect(cli(['analyze', '/dev/null', '--model', model]).stderr).toMatch(
      /NOT_A_FILE: \/dev\/null is neither/,
    );
    mkdirSync(join(dir, 'empty'));
    expect(cli(['analyze', join(dir, 'empty'), '--model', model]).code).toBe(2);
    const r = cli(['analyze', calls, '--model', join(dir, 'no-model.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MODEL_NOT_FOUND/);
  });

  it('exits 2 with BAD_JSON_PATH before analysing when --json cannot be written, leaving no .partial', () => {
    const one = join(calls, 'call-1.wav');
    for (const target of [join(dir, 'no-such-folder', 'out.json'), dir]) {
      const r = cli(['analyze', one, '--model', model, '--json', target]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(
        /^voice-analytics: BAD_JSON_PATH: --json .* (cannot be written \(ENOENT\)|is a folder)/,
      );
      expect(r.stdout).not.toContain('analysed');
      expect(existsSync(`${target}.partial`)).toBe(false);
    }
  });

  it('refuses --json naming one of the recordings, before analysing', () => {
    const one = join(calls, 'call-1.wav');
    const before = readFileSync(one);
    for (const [input, target] of [
      [one, one],
      [calls, join(calls, 'day2', 'call-3.wav')],
    ]) {
      const r = cli(['analyze', input, '--model', model, '--json', target]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(
        /^voice-analytics: BAD_JSON_PATH: --json .* is one of the recordings to analyse$/,
      );
    }
    expect(readFileSync(one)).toEqual(before);
  });

  it('finishes the run and its JSON when its reader stops early (| head)', async () => {
    const out = join(dir, 'piped.json');
    // The reader goes away after the first line, as head -1 does.
    const { code, stderr } = await cliWhile(
      ['analyze', calls, '--model', model, '--json', out, '--jobs', '2'],
      (child) => child.stdout.once('data', () => child.stdout.destroy()),
    );
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(1); // the bad files of the folder, as without a pipe
    expect((JSON.parse(readFileSync(out, 'utf8')) as { files: unknown[] }).files.length).toBeGreaterThan(3);
  });

  it('leaves no half-written JSON when interrupted (Ctrl-C), and says so', async () => {
    const out = join(dir, 'interrupted.json');
    // The first file's summary is out: the others are still to come.
    const { code, stderr } = await cliWhile(
      ['analyze', calls, '--model', model, '--json', out, '--jobs', '1'],
      (child) => child.stdout.once('data', () => child.kill('SIGINT')),
    );
    expect(code).toBe(130);
    expect(stderr).toContain(`interrupted (SIGINT): no JSON written to ${out}`);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('hears Ctrl-C on a one-file run too (it ran on the thread that had to hear it)', async () => {
    // 30 minutes of a call: seconds of analysis, long enough to interrupt.
    const call = { sampleRateHz: 8000, channels: [voice(6, 8000, 120), voice(6, 8000, 230, 7)] };
    const tile = (x: Float32Array) => {
      const out = new Float32Array(x.length * 300);
      for (let k = 0; k < 300; k++) out.set(x, k * x.length);
      return out;
    };
    const long = join(dir, 'long.wav');
    writeFileSync(long, encodeWav({ sampleRateHz: 8000, channels: call.channels.map(tile) }, 'pcm16'));
    const out = join(dir, 'long.json');
    const { code, stderr } = await cliWhile(['analyze', long, '--model', model, '--json', out], (child) =>
      setTimeout(() => child.kill('SIGINT'), 1_500),
    );
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted (SIGINT)');
    expect(existsSync(`${out}.partial`)).toBe(false);
    rmSync(long);
  });

  it('finishes the run and its JSON when the reader of its errors stops early (2>&1 | head)', async () => {
    const out = join(dir, 'stderr-piped.json');
    // Error lines after the reader went away: several bad files among good ones.
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed, { recursive: true });
    for (let k = 0; k < 6; k++) {
      writeFileSync(join(mixed, `bad-${k}.wav`), Buffer.from('RIFF\x10\x00\x00\x00WAVEjunk'));
      writeFileSync(join(mixed, `good-${k}.wav`), readFileSync(join(calls, 'call-1.wav')));
    }
    // The first error line (a bad file) is read, then the reader goes away.
    const { code } = await cliWhile(
      ['analyze', mixed, '--model', model, '--json', out, '--jobs', '1'],
      (child) => child.stderr.once('data', () => child.stderr.destroy()),
    );
    expect(code).toBe(1);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { files: unknown[] }).files).toHaveLength(12);
  });

  it('skips a folder it cannot list and analyses the rest (exit 1)', () => {
    // Root reads any folder: the run is then made as "nobody", as a user without the rights.
    const root = process.getuid?.() === 0;
    const tree = join(dir, 'perm');
    mkdirSync(join(tree, 'locked'), { recursive: true });
    writeFileSync(join(tree, 'ok.wav'), readFileSync(join(calls, 'call-1.wav')));
    writeFileSync(join(tree, 'locked', 'hidden.wav'), readFileSync(join(calls, 'call-1.wav')));
    for (const path of [dir, tree]) chmodSync(path, 0o755);
    chmodSync(model, 0o644);
    chmodSync(join(tree, 'ok.wav'), 0o644);
    chmodSync(join(tree, 'locked'), 0o000);
    try {
      const run = spawnSync(process.execPath, [BIN, 'analyze', tree, '--model', model], {
        encoding: 'utf8',
        timeout: 60_000,
        ...(root ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(run.stderr).toContain(
        `${join(tree, 'locked')}: skipped (FOLDER_UNREADABLE: cannot list it, EACCES)`,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stdout).toContain('1 file analysed, 1 folder unreadable');
      expect(run.status).toBe(1);
    } finally {
      chmodSync(join(tree, 'locked'), 0o755);
    }
  });

  it('prints the usage on --help', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--channels agent=left,customer=right');
  });

  const systemNode = spawnSync('node', ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' });
  const oldNode = systemNode.status === 0 && Number(systemNode.stdout) < 24;
  it.skipIf(!oldNode)('re-executes itself under Node 24 when started by an older node', () => {
    const r = cli(['analyze', join(calls, 'call-2.wav'), '--model', model], 'node');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 file analysed');
  });
});

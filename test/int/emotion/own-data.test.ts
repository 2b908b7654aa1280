// "Your own data" as a contact centre uses it: a folder with manifest.csv and WAV clips (here cut
// from the shipped nEMO demo calls: three speakers, 16 kHz linear PCM, one corpus) through the real
// `eval:emotion` and `train:emotion` commands in child processes. One corpus has nothing to leave
// out: its leave-one-corpus-out figures are the shipped model's judgement; training needs two
// speakers and is refused, with one line, for one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, parseWav } from '../../../pipelines/audio/wav.ts';
import { parseEmotionModel } from '../../../pipelines/emotion/index.ts';

const REPO = new URL('../../../', import.meta.url).pathname;
const CALLS = join(REPO, 'assets/nemo-calls');
const HEADER = 'corpus,file,speaker,gender,language,label_original,label,arousal';
const GENDER: Record<string, string> = { 'nemo-IC0': 'f', 'nemo-KD0': 'f', 'nemo-SM0': 'm' };
const dir = mkdtempSync(join(tmpdir(), 'own-data-'));

interface DemoClip {
  channel: 'agent' | 'customer';
  speaker: string;
  label: string;
  startMs: number;
  endMs: number;
}

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', script), ...args], {
    cwd: REPO,
    env: { ...process.env, EMOTION_CACHE_DIR: join(dir, 'cache'), ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The demo calls' clips as a user's folder: one 16 kHz PCM WAV per clip, one manifest row each. */
function writeFolder(folder: string, keep: (speaker: string) => boolean): void {
  mkdirSync(join(folder, 'audio'), { recursive: true });
  const rows = [HEADER];
  const meta = JSON.parse(readFileSync(join(CALLS, 'calls.json'), 'utf8')) as {
    calls: { id: string; file: string; clips: DemoClip[] }[];
  };
  for (const call of meta.calls) {
    const audio = parseWav(readFileSync(join(CALLS, call.file)));
    call.clips.forEach((clip, i) => {
      if (!keep(clip.speaker)) return;
      const samples = audio.channels[clip.channel === 'agent' ? 0 : 1];
      const at = (ms: number): number => Math.round((ms * audio.sampleRateHz) / 1000);
      const cut = samples.subarray(at(clip.startMs), at(clip.endMs));
      // 16 kHz linear, as a recording platform might export (each sample twice: the band is unchanged).
      const up = new Float32Array(cut.length * 2).map((_, j) => cut[j >> 1]);
      const file = `audio/${call.id}-${i}.wav`;
      writeFileSync(join(folder, file), encodeWav({ sampleRateHz: 16000, channels: [up] }, 'pcm16'));
      rows.push(`centre,${file},${clip.speaker},${GENDER[clip.speaker]},pl,${clip.label},${clip.label},`);
    });
  }
  writeFileSync(join(folder, 'manifest.csv'), `${rows.join('\n')}\n`);
}

beforeAll(() => {
  writeFolder(join(dir, 'three'), () => true);
  writeFolder(join(dir, 'one'), (s) => s === 'nemo-KD0');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval:emotion and train:emotion on a user folder', () => {
  it('evaluates one corpus: the shipped model across corpora, retrained models within', () => {
    const r = run('eval-emotion.ts', ['--data', join(dir, 'three')]);
    expect(r.stderr).not.toMatch(/Error|at file:/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.loco_model).toBe(`shipped: ${resolve('models/emotion-v2.json')}`);
    // The demo calls' corpus is not one the shipped model names: its loco_* figures stand.
    expect(out.loco_model_heard).toEqual([]);
    expect(out.loco_call_uar_centre).toEqual(expect.any(Number));
    expect(out.loco_call_arousal_uar_centre).toEqual(expect.any(Number));
    // Three speakers: three within folds, each trained on the other two alone.
    expect(out.within_call_uar_centre).toEqual(expect.any(Number));
    expect(r.stderr.match(/fold within centre/g)).toHaveLength(3);
    expect(out.chance_centre).toBe(0.25); // neutral, angry, sad, anxious
  });

  it('trains a model file of its own from the folder', () => {
    const file = join(dir, 'own.json');
    const r = run('train-emotion.ts', ['--data', join(dir, 'three'), '--out', file]);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { training: { data: string } };
    expect(json.training.data).toBe('user data (--data)');
    // One recording setup: the one-setup recipe (the mean of the last 3 speech windows as inputs).
    expect(parseEmotionModel(json).inputs.context?.windows).toBe(3);
    // That model scored on its own training calls: named by its path, and the figures flagged.
    const self = run('eval-emotion.ts', ['--data', join(dir, 'three'), '--loco-only'], {
      EMOTION_MODEL_PATH: file,
    });
    expect(self.code).toBe(0);
    const out = JSON.parse(self.stdout) as Record<string, unknown>;
    expect([out.loco_model, out.loco_model_heard]).toEqual([`EMOTION_MODEL_PATH: ${file}`, ['centre']]);
    expect(self.stderr).toContain('the model was trained on centre');
  });

  it('names a missing folder and what to give instead, without a stack trace; --help prints the usage', () => {
    const r = run('eval-emotion.ts', ['--data', join(dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `eval:emotion: DATA_MISSING: ${join(dir, 'nowhere', 'manifest.csv')} does not exist`,
      expect.stringContaining('each --data folder needs manifest.csv'),
    ]);
    const help = run('train-emotion.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run train:emotion -- \[--data DIR/);
  });

  it('refuses to train on one speaker, with one line naming the reason', () => {
    const r = run('train-emotion.ts', ['--data', join(dir, 'one'), '--out', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^train:emotion: DATA_TOO_FEW: .*at least 2 speakers \(found 1\)/,
    );
  });

  it('reads clips whose audio changed under the same names again, not from the cache', () => {
    const folder = join(dir, 'changed');
    writeFolder(folder, (s) => s === 'nemo-KD0');
    const before = run('eval-emotion.ts', ['--data', folder, '--loco-only']);
    expect(before.code).toBe(0);
    // Every clip of the folder now holds the first neutral clip's audio: nothing but calm speech.
    const rows = readFileSync(join(folder, 'manifest.csv'), 'utf8').trim().split('\n').slice(1);
    const calm = readFileSync(join(folder, rows.find((r) => r.endsWith(',neutral,'))!.split(',')[1]));
    for (const row of rows) writeFileSync(join(folder, row.split(',')[1]), calm);
    const after = run('eval-emotion.ts', ['--data', folder, '--loco-only']);
    expect(after.code).toBe(0);
    const figure = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as Record<string, unknown>).loco_call_uar_centre;
    expect(figure(after)).not.toEqual(figure(before));
  });

  it('names a clip that is not audio, an option of the other script and an --out folder in one line each', () => {
    const folder = join(dir, 'broken');
    writeFolder(folder, (s) => s === 'nemo-KD0');
    const first = readFileSync(join(folder, 'manifest.csv'), 'utf8').split('\n')[1].split(',')[1];
    writeFileSync(join(folder, first), 'corpus,file,speaker,gender,language\n');
    const r = run('eval-emotion.ts', ['--data', folder, '--loco-only']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `eval:emotion: DATA_AUDIO: ${join(folder, first)}: the file does not start with "RIFF"`,
    );
    // A sample rate the resampler does not take: the clip named, not a DSP stack trace.
    writeFileSync(
      join(folder, first),
      encodeWav({ sampleRateHz: 1, channels: [new Float32Array(8).fill(0.5)] }, 'pcm16'),
    );
    const rate = run('eval-emotion.ts', ['--data', folder, '--loco-only']);
    expect(rate.code).toBe(2);
    expect(rate.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^eval:emotion: DATA_AUDIO: ${join(folder, first)}: `),
    );
    const flag = run('eval-emotion.ts', ['--data', folder, '--check']);
    expect([flag.code, flag.stderr.split('\n')[0]]).toEqual([
      2,
      'eval:emotion: USAGE: --check is not an option of eval:emotion',
    ]);
    const out = run('train-emotion.ts', ['--data', join(dir, 'three'), '--out', dir]);
    expect([out.code, out.stderr.split('\n')[0]]).toEqual([
      2,
      `train:emotion: USAGE: --out ${dir} is a folder: give a file name, e.g. ${dir}/emotion-own.json`,
    ]);
    // --check with nothing to compare with: said before fitting, not "reproduced: false" after it.
    const check = run('train-emotion.ts', [
      '--data',
      join(dir, 'three'),
      '--out',
      join(dir, 'none.json'),
      '--check',
    ]);
    expect([check.code, check.stderr.split('\n')[0]]).toEqual([
      2,
      `train:emotion: USAGE: --check compares with ${join(dir, 'none.json')}, which does not exist (--out names the model to compare)`,
    ]);
  });

  it('refuses before fitting an --out it cannot write, a label of too few clips, and a bad EMOTION_MODEL_PATH', () => {
    // Checked first: under /proc a recursive mkdir spun at full CPU once the fit was done.
    for (const target of ['/proc/va-probe/m.json', join(dir, 'three', 'manifest.csv', 'm.json')]) {
      const r = run('train-emotion.ts', ['--data', join(dir, 'three'), '--out', target]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(
        new RegExp(`^train:emotion: USAGE: --out ${target} cannot be written`),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // Two clips of each label: the fit would be certain of everything. One line naming the labels.
    const folder = join(dir, 'tiny');
    writeFolder(folder, () => true);
    const rows = readFileSync(join(folder, 'manifest.csv'), 'utf8').trim().split('\n');
    const kept = new Map<string, number>();
    const few = rows.slice(1).filter((row) => {
      const key = `${row.split(',')[2]}/${row.split(',')[6]}`;
      kept.set(key, (kept.get(key) ?? 0) + 1);
      return kept.get(key)! <= 1;
    });
    writeFileSync(join(folder, 'manifest.csv'), `${[rows[0], ...few].join('\n')}\n`);
    const tiny = run('train-emotion.ts', ['--data', folder, '--out', join(dir, 'tiny.json')]);
    expect(tiny.code).toBe(2);
    expect(tiny.stderr.trim().split('\n').at(-1)).toMatch(
      /^train:emotion: DATA_TOO_FEW: each emotion label needs at least 5 clips \(/,
    );
    const model = spawnSync(
      process.execPath,
      [join(REPO, 'scripts', 'eval-emotion.ts'), '--data', join(dir, 'three')],
      {
        cwd: REPO,
        env: {
          ...process.env,
          EMOTION_CACHE_DIR: join(dir, 'cache'),
          EMOTION_MODEL_PATH: join(dir, 'three', 'manifest.csv'),
        },
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    expect(model.status).toBe(2);
    expect(model.stderr.trim().split('\n').at(-1)).toMatch(
      /^eval:emotion: MODEL_INVALID: .*manifest\.csv \(EMOTION_MODEL_PATH\) is not a usable emotion model/,
    );
  });
});

// File walking, the ordered JSON writer, the printed summary and the TTY-only progress bar.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMOTION_LABELS } from '../../../../pipelines/emotion/types.ts';
import { AnalyzeError } from '../../../../services/analyze/errors.ts';
import { callIdsOf, findWavFiles } from '../../../../services/analyze/files.ts';
import { CALL_ID_PATTERN } from '../../../../services/shared/audio-chunk-limits.ts';
import { clock, formatFileResult } from '../../../../services/analyze/format.ts';
import { createJsonWriter } from '../../../../services/analyze/json-writer.ts';
import { createProgress } from '../../../../services/analyze/progress.ts';
import { summariseDynamics, summariseSpeaker } from '../../../../services/analyze/summary.ts';
import type { FileAnalysis } from '../../../../services/analyze/types.ts';
import { fakeWindow } from './fixtures/windows.ts';
import { thrownCode } from '../../../support/thrown.ts';

const dir = mkdtempSync(join(tmpdir(), 'analyze-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findWavFiles', () => {
  it('finds .wav files recursively in sorted order, skipping hidden entries and other files', () => {
    const root = join(dir, 'calls');
    mkdirSync(join(root, 'b'), { recursive: true });
    mkdirSync(join(root, '.cache'));
    for (const f of ['b/2.WAV', 'a.wav', 'notes.txt', '.hidden.wav', '.cache/x.wav', 'c.wave']) {
      writeFileSync(join(root, f), '');
    }
    expect(findWavFiles(root)).toEqual([join(root, 'a.wav'), join(root, 'b/2.WAV'), join(root, 'c.wave')]);
  });

  it('takes a single file whatever its name, and rejects missing paths and empty folders', () => {
    const f = join(dir, 'x.bin');
    writeFileSync(f, '');
    expect(findWavFiles(f)).toEqual([f]);
    mkdirSync(join(dir, 'empty'));
    const code = (p: string) => thrownCode(() => findWavFiles(p), AnalyzeError);
    expect(code(join(dir, 'nope'))).toBe('PATH_NOT_FOUND');
    expect(code(join(dir, 'empty'))).toBe('NO_WAV_FILES');
  });

  it('follows links to files and folders, once each, and skips a dangling one', () => {
    const archive = join(dir, 'archive');
    mkdirSync(join(archive, 'day1'), { recursive: true });
    writeFileSync(join(archive, 'day1', 'call.wav'), '');
    writeFileSync(join(archive, 'one.wav'), '');
    const links = join(dir, 'links');
    mkdirSync(links);
    symlinkSync(join(archive, 'one.wav'), join(links, 'linked.wav'));
    symlinkSync(join(archive, 'day1'), join(links, 'day1'));
    symlinkSync(links, join(links, 'loop')); // a link back to itself is walked once
    symlinkSync(join(archive, 'gone.wav'), join(links, 'dangling.wav'));
    expect(findWavFiles(links)).toEqual([join(links, 'day1/call.wav'), join(links, 'linked.wav')]);
  });
});

describe('callIdsOf', () => {
  it('names a recording by its file name, and two of the same name apart', () => {
    const ids = callIdsOf(['in/a/call.wav', 'in/b/call.wav', 'in/other.WAV'], 'in');
    expect(ids[2]).toBe('other');
    expect(ids[0]).toMatch(/^call-[0-9a-f]{8}$/);
    expect(ids[1]).toMatch(/^call-[0-9a-f]{8}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(callIdsOf(['in/a/call.wav', 'in/b/call.wav'], 'in')).toEqual(ids.slice(0, 2));
    // The same folder named another way gives the same ids.
    expect(callIdsOf(['/abs/in/a/call.wav', '/abs/in/b/call.wav'], '/abs/in')).toEqual(ids.slice(0, 2));
  });

  it('keeps to the characters of a live call id: event ids split on ":"', () => {
    const ids = callIdsOf(
      ['in/agent:7.wav', 'in/jane doe #2.wav', 'in/.wav', `in/${'x'.repeat(300)}.wav`],
      'in',
    );
    expect(ids).toEqual(['agent_7', 'jane_doe__2', 'call', 'x'.repeat(119)]);
    for (const id of ids) expect(id).toMatch(CALL_ID_PATTERN);
    const alike = callIdsOf(['in/a:b.wav', 'in/a_b.wav'], 'in');
    expect(alike[0]).toMatch(/^a_b-[0-9a-f]{8}$/);
    expect(alike[0]).not.toBe(alike[1]);
  });
});

describe('createJsonWriter', () => {
  it('writes results in input order whatever the completion order, NaN as null, atomically', () => {
    const out = join(dir, 'out.json');
    const writer = createJsonWriter(out, { tool: 't', functionalNames: ['a'] });
    writer.add(2, { file: 'c', ok: false, error: { code: 'X', message: 'm' } });
    writer.add(0, { file: 'a', ok: false, error: { code: 'X', message: String(NaN) } });
    expect(existsSync(out)).toBe(false);
    writer.add(1, { file: 'b', ok: false, error: { code: 'Y', message: '' } });
    writer.close();
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.tool).toBe('t');
    expect(json.files.map((f: { file: string }) => f.file)).toEqual(['a', 'b', 'c']);
  });

  it('writes a valid document with no files', () => {
    const out = join(dir, 'empty.json');
    const writer = createJsonWriter(out, { tool: 't' });
    writer.close();
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ tool: 't', files: [] });
  });
});

describe('formatFileResult', () => {
  const customer = [0, 1, 2, 3, 4, 5].map((i) =>
    fakeWindow(i, i < 3 ? 'neutral' : 'angry', i < 3 ? 0.3 : 0.8),
  );
  const agent = [0, 1, 2, 3, 4, 5].map((i) => fakeWindow(i, 'neutral', 0.3));
  const result: FileAnalysis = {
    file: 'call.wav',
    ok: true,
    sampleRateHz: 8000,
    analysedRateHz: 8000,
    encoding: 'mulaw',
    channelCount: 2,
    durationS: 7,
    speakers: [
      { channel: 'agent', source: 'left', summary: summariseSpeaker(agent, EMOTION_LABELS), windows: agent },
      {
        channel: 'customer',
        source: 'right',
        summary: summariseSpeaker(customer, EMOTION_LABELS),
        windows: customer,
      },
    ],
    dynamics: [],
    dynamicsSummary: summariseDynamics([], agent, customer),
  };

  it('names each speaker, the dominant states, the timeline, trends and dynamics', () => {
    const text = formatFileResult(result);
    expect(text).toContain('call.wav: stereo, 8000 Hz mulaw, 0:07 (agent = left, customer = right)');
    expect(text).toMatch(
      /customer \(right\), 6 windows: mostly (neutral 50 %, angry 50 %|angry 50 %, neutral 50 %)/,
    );
    expect(text).toContain('over time: 0:00 neutral → 0:03 angry');
    expect(text).toContain('arousal 0.30 → 0.80 (rising)');
    expect(text).toContain('dynamics: agent talks 50 % of the time spoken');
  });

  it('says why a file was skipped', () => {
    expect(formatFileResult({ file: 'bad.wav', ok: false, error: { code: 'NOT_RIFF', message: 'x' } })).toBe(
      'bad.wav: skipped (NOT_RIFF: x)',
    );
  });

  it('prints times as m:ss', () => {
    expect(clock(61_400)).toBe('1:01');
  });
});

describe('createProgress', () => {
  it('draws only on a TTY', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (t: string) => written.push(t) > 0 };
    const p = createProgress(5, stream);
    p.tick(false);
    p.done();
    expect(written).toEqual([]);
    stream.isTTY = true;
    const q = createProgress(4, stream);
    q.tick(false);
    q.tick(true);
    expect(written.at(-1)).toMatch(/\[#+\.+\] 2\/4 files {2}1 failed/);
  });
});

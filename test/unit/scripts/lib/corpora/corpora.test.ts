// Corpus loaders (scripts/lib/corpora): a manifest folder's clips with the product's targets, and
// typed refusals of a bad manifest or a missing file.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../../../scripts/lib/corpora/clip.ts';
import { manifestCorpora, manifestCorpus } from '../../../../../scripts/lib/corpora/manifest.ts';
import { corpusLoaders } from '../../../../../scripts/lib/corpora/index.ts';
import { clipTargets } from '../../../../../scripts/lib/emotion-data/training-calls.ts';
import { thrownCode } from '../../../../support/thrown.ts';

const HEAD = 'corpus,file,speaker,gender,language,label_original,label,arousal';
const dirs: string[] = [];
function folder(lines: string[], files: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'va-corpus-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'manifest.csv'), [HEAD, ...lines].join('\n'));
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'RIFF');
  }
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const codeOf = (f: () => unknown) => thrownCode(f, DataError);

describe('manifest corpora', () => {
  it('lists each corpus with targets: surprise and arousal-only rows count for arousal only', () => {
    const dir = folder(
      [
        'own,a/1.wav,own-1,f,en,ANG,angry,high',
        'own,a/2.wav,own-1,f,en,SUR,surprise,high',
        'own,a/3.wav,own-1,f,en,NEU,neutral,low',
        'lvl,b/1.wav,lvl-1,m,ar,1,,neutral',
      ],
      ['a/1.wav', 'a/2.wav', 'a/3.wav', 'b/1.wav'],
    );
    expect(manifestCorpora(dir)).toEqual(['own', 'lvl']);
    const own = manifestCorpus(dir, 'own').list();
    expect(own.map((c) => clipTargets(c))).toEqual([
      { label: 2, arousal: 1, valence: 0 },
      { label: -1, arousal: 1, valence: -1 },
      { label: 0, arousal: 0, valence: 1 },
    ]);
    const [level] = manifestCorpus(dir, 'lvl').list();
    expect(level.calm).toBe(true);
    expect(clipTargets(level)).toEqual({ label: -1, arousal: 0, valence: -1 });
  });

  it('refuses to run when a listed file is missing', () => {
    const dir = folder(['own,a/1.wav,own-1,f,en,ANG,angry,high']);
    expect(codeOf(() => manifestCorpus(dir, 'own').list())).toBe('DATA_MISSING');
  });

  it.each([
    ['a wrong header', ['x'], 'DATA_MANIFEST'],
    ['an unknown label', ['own,a.wav,own-1,f,en,X,furious,high'], 'DATA_MANIFEST'],
    ['neither label nor arousal', ['own,a.wav,own-1,f,en,X,,'], 'DATA_MANIFEST'],
    ['a short row', ['own,a.wav'], 'DATA_MANIFEST'],
  ])('rejects %s', (_what, lines, code) => {
    const dir = folder([]);
    writeFileSync(
      join(dir, 'manifest.csv'),
      (_what === 'a wrong header' ? lines : [HEAD, ...lines]).join('\n'),
    );
    expect(codeOf(() => manifestCorpus(dir, 'own').list())).toBe(code);
  });

  it.each([
    ['a header with an extra column', `${HEAD},notes`, [], 'the header must be exactly'],
    ['a quoted field', HEAD, ['own,a.wav,own-1,f,en,X,"angry, shouting",high'], 'line 2: quoted fields'],
    ['a long row', HEAD, ['own,a.wav,own-1,f,en,X,angry,high,x'], 'line 2: expected 8 fields, found 9'],
    ['an empty speaker', HEAD, ['own,a.wav,,f,en,X,angry,high'], 'line 2: empty speaker'],
    ['a path outside the folder', HEAD, ['own,../b/a.wav,own-1,f,en,X,angry,high'], 'is outside'],
    ['an absolute path', HEAD, ['own,/etc/passwd,own-1,f,en,X,angry,high'], 'is outside'],
    [
      'a file listed twice',
      HEAD,
      ['own,a.wav,own-1,f,en,X,angry,high', 'own,./a.wav,own-2,f,en,X,sad,low'],
      'line 3: ./a.wav is listed already on line 2',
    ],
    [
      'an arousal level that contradicts the label',
      HEAD,
      ['own,a.wav,own-1,f,en,X,angry,high', 'own,b.wav,own-1,f,en,X,sad,high'],
      'line 3: arousal "high" contradicts label "sad" (a low-arousal label)',
    ],
    [
      'a bad label after blank lines',
      HEAD,
      ['', '', 'own,a.wav,own-1,f,en,X,furious,high'],
      'line 4: unknown',
    ],
  ])('refuses %s, naming the line as an editor numbers it', (_what, head, lines, message) => {
    const dir = folder([]);
    writeFileSync(join(dir, 'manifest.csv'), [head, ...lines].join('\n'));
    let error: unknown;
    try {
      manifestCorpus(dir, 'own').list();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('DATA_MANIFEST');
    expect((error as DataError).message).toContain(message);
  });

  it('names the manifest line of a missing file', () => {
    const dir = folder(
      ['own,a.wav,own-1,f,en,ANG,angry,high', 'own,gone.wav,own-1,f,en,SAD,sad,low'],
      ['a.wav'],
    );
    expect(() => manifestCorpus(dir, 'own').list()).toThrow(/missing, e\.g\. line 3: .*gone\.wav/);
  });

  it('refuses one corpus name in two --data folders, and a folder that lists no clip', () => {
    const one = folder(['own,a.wav,own-1,f,en,ANG,angry,high'], ['a.wav']);
    const two = folder(['own,b.wav,own-2,f,en,ANG,angry,high'], ['b.wav']);
    expect(codeOf(() => corpusLoaders([one, two]))).toBe('DATA_MANIFEST');
    expect(codeOf(() => corpusLoaders([folder([])]))).toBe('DATA_TOO_FEW');
  });
});

// Corpus loaders (scripts/lib/corpora): a manifest folder's clips with the product's targets, and
// typed refusals of a bad manifest or a missing file.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../../../scripts/lib/corpora/clip.ts';
import { manifestCorpora, manifestCorpus } from '../../../../../scripts/lib/corpora/manifest.ts';
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
});

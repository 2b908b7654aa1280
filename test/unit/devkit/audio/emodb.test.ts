// devkit/audio/emodb.ts on a tiny EmoDB-shaped folder built in a temp dir (works without the data).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../../pipelines/audio/wav.ts';
import { countSyllablesBelow2s, listEmodb, readEmodbSamples } from '../../../../devkit/audio/emodb.ts';

const root = mkdtempSync(join(tmpdir(), 'emodb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'wav'));
mkdirSync(join(root, 'silb'));
for (const id of ['03a01Fa', '16b10Wb', '08a02Nc']) {
  writeFileSync(
    join(root, 'wav', `${id}.wav`),
    encodeWav({ sampleRateHz: 22050, channels: [new Float32Array(100).fill(0.5)] }),
  );
}
writeFileSync(join(root, 'wav', 'README.txt'), 'not audio');
// Tabs and spaces both occur; '(' is a pause mark; '.' ends the utterance; Latin-1 bytes.
writeFileSync(
  join(root, 'silb', '03a01Fa.silb'),
  Buffer.from('0.08\tder\n0.5 k\xf6nn\n1.43\t(\n1.99\tte\n2.01\tdie\n2.3\t.\n', 'latin1'),
);
writeFileSync(join(root, 'silb', '16b10Wb.silb'), '');

describe('emodb', () => {
  it('lists wav files with speaker, text, emotion label and syllables below 2 s', () => {
    const items = listEmodb(root);
    expect(items.map((i) => [i.id, i.speaker, i.text, i.code, i.label, i.syllablesBelow2s])).toEqual([
      ['03a01Fa', '03', 'a01', 'F', 'happy', 3],
      ['08a02Nc', '08', 'a02', 'N', 'neutral', null],
      ['16b10Wb', '16', 'b10', 'W', 'angry', null],
    ]);
  });

  it('counts only onsets below 2.0 s and no end or pause marks', () => {
    expect(countSyllablesBelow2s(join(root, 'silb', '03a01Fa.silb'))).toBe(3);
    expect(countSyllablesBelow2s(join(root, 'silb', 'missing.silb'))).toBeNull();
  });

  it('reads samples at the file rate', () => {
    const { samples, sampleRateHz } = readEmodbSamples(listEmodb(root)[0]);
    expect(sampleRateHz).toBe(22050);
    expect(samples.length).toBe(100);
    expect(samples[0]).toBe(0.5);
  });

  it('names EMODB_DIR when the folder is missing', () => {
    expect(() => listEmodb(join(root, 'nope'))).toThrow(/EMODB_DIR/);
  });
});

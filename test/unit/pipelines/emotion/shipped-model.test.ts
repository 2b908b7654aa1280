// The committed model (models/emotion-v2.json): it parses, it is the cross-corpus recipe with
// separate arousal and valence heads, and today's DSP still computes the features it was trained
// on (the fingerprint of two EmoDB speakers' calls; skipped where the corpora are not beside the
// repository). `npm run train:emotion -- --check` reproduces the whole file byte for byte.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTIONAL_NAMES } from '../../../../pipelines/dsp/index.ts';
import { parseDspEmotionModel, parseEmotionModel } from '../../../../pipelines/emotion/index.ts';
import { HELD_OUT_SPEAKERS } from '../../../../pipelines/emotion/train/config.ts';
import { emodbCorpus } from '../../../../scripts/lib/corpora/emodb-corpus.ts';
import { emodbRoot } from '../../../../devkit/audio/emodb.ts';
import { dspProbe, PROBE_SPEAKERS } from '../../../../scripts/lib/emotion-data/dsp-probe.ts';
import { analyseSpeaker } from '../../../../scripts/lib/emotion-data/features.ts';

const model = parseEmotionModel(JSON.parse(readFileSync('models/emotion-v2.json', 'utf8')));
const training = model.training as {
  dspProbe: { speakers: string[]; sha256: string };
  heldOutSpeakers: string[];
  corpora: string[];
};

describe('models/emotion-v2.json', () => {
  it("is trained on the seven corpora without the demo speakers, on today's functionals", () => {
    expect(model.featureNames).toEqual([...FUNCTIONAL_NAMES]);
    expect(training.corpora).toEqual(['ased', 'baved', 'emodb', 'emovo', 'nemo', 'savee', 'tess']);
    expect(training.heldOutSpeakers).toEqual([...HELD_OUT_SPEAKERS]);
    expect(model.thresholds.enterConfidence).toBeGreaterThan(1 / model.labels.length);
  });

  it('is refused for the DSP when its feature names differ (another order, another feature)', () => {
    const json = JSON.parse(readFileSync('models/emotion-v2.json', 'utf8'));
    expect(parseDspEmotionModel(json).featureNames).toEqual([...FUNCTIONAL_NAMES]);
    const reordered = { ...json, featureNames: [...json.featureNames].reverse() };
    // The same count passes the generic checks: only the names tell the models apart.
    expect(() => parseEmotionModel(reordered)).not.toThrow();
    expect(() => parseDspEmotionModel(reordered)).toThrow(
      expect.objectContaining({
        code: 'MODEL_FEATURES',
        message: expect.stringContaining('featureNames[0]'),
      }),
    );
    const renamed = {
      ...json,
      featureNames: json.featureNames.map((n: string, i: number) => (i === 5 ? 'other' : n)),
    };
    expect(() => parseDspEmotionModel(renamed)).toThrow(/featureNames\[5\] is "other"/);
  });

  it.skipIf(!existsSync(`${emodbRoot()}/wav`))("matches what today's DSP computes", () => {
    const clips = emodbCorpus().list();
    const calls = PROBE_SPEAKERS.map((s) =>
      analyseSpeaker(
        'emodb',
        s,
        clips.filter((c) => c.speaker === s),
      ),
    );
    // A mismatch means the DSP changed after training: run `npm run train:emotion` and commit.
    expect(dspProbe(calls)).toEqual(training.dspProbe);
  });
});

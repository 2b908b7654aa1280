// EmoDB behind the corpus interface (its own folder layout, not a manifest). I/O: lists the folder.
import { isHighArousal } from '../../../pipelines/emotion/affect.ts';
import { emodbRoot, listEmodb } from '../../../devkit/audio/emodb.ts';
import { DataError } from './clip.ts';
import type { CorpusLoader } from './clip.ts';

export function emodbCorpus(root: string = emodbRoot()): CorpusLoader {
  return {
    name: 'emodb',
    list() {
      let items;
      try {
        items = listEmodb(root);
      } catch (error) {
        throw new DataError('DATA_MISSING', (error as Error).message);
      }
      return items.map((it) => ({
        corpus: 'emodb',
        path: it.wavPath,
        speaker: `emodb-${it.speaker}`,
        language: 'de',
        label: it.label,
        arousal: isHighArousal(it.label) ? 'high' : 'low',
        calm: it.label === 'neutral',
      }));
    },
  };
}

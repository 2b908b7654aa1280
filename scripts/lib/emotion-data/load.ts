// Every speaker's call of the training / evaluation corpora (the shipped set, or a user's own
// manifest folders), features from the cache. I/O: reads the corpora and the cache.
import { corpusLoaders, loadCorpora } from '../corpora/index.ts';
import { corpusCalls } from './features.ts';
import type { SpeakerCall } from './features.ts';

export function loadCalls(dataDirs: readonly string[], log: (m: string) => void): SpeakerCall[] {
  const corpora = loadCorpora(corpusLoaders(dataDirs));
  return [...corpora].flatMap(([name, clips]) => corpusCalls(name, clips, log));
}

/**
 * The training augmentation: the same calls with line noise at 20 dB SNR (features.ts). The
 * arousal head learns from them too, so its decision holds on a noisy line (README).
 */
export function loadNoisyCalls(dataDirs: readonly string[], log: (m: string) => void): SpeakerCall[] {
  const corpora = loadCorpora(corpusLoaders(dataDirs));
  return [...corpora].flatMap(([name, clips]) => corpusCalls(name, clips, log, 'noise20'));
}

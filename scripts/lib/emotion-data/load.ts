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
 * The training augmentations: the same calls with line noise at 20 dB SNR and 20 dB quieter
 * (features.ts). The arousal head learns from them too, so its decision holds on a noisy or quiet
 * line (README).
 */
export function loadAugmentedCalls(dataDirs: readonly string[], log: (m: string) => void): SpeakerCall[] {
  const corpora = loadCorpora(corpusLoaders(dataDirs));
  return (['noise20', 'quiet20'] as const).flatMap((condition) =>
    [...corpora].flatMap(([name, clips]) => corpusCalls(name, clips, log, condition)),
  );
}

/**
 * The speakers with an `opener` block (e.g. 'angry'), in calls that open with it and have no calm
 * start (call-layout.ts): the upset caller the calm-start baseline is not built for.
 */
export function loadOpenerCalls(
  dataDirs: readonly string[],
  opener: string,
  log: (m: string) => void,
): SpeakerCall[] {
  const corpora = loadCorpora(corpusLoaders(dataDirs));
  return [...corpora].flatMap(([name, clips]) => {
    const withOpener = new Set(clips.filter((c) => c.label === opener).map((c) => c.speaker));
    return withOpener.size === 0
      ? []
      : corpusCalls(
          name,
          clips.filter((c) => withOpener.has(c.speaker)),
          log,
          'clean',
          opener,
        );
  });
}

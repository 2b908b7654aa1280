// A corpus clip for the evaluation's layout tests: speaker x-1, the label's arousal group, calm
// when neutral. No I/O (the path is never read).
import type { Clip } from '../../scripts/lib/corpora/clip.ts';

export const corpusClip = (label: Clip['label'], i: number): Clip => ({
  corpus: 'x',
  path: `/x/${label}-${i}.wav`,
  speaker: 'x-1',
  language: 'xx',
  label,
  arousal: label === 'angry' ? 'high' : 'low',
  calm: label === 'neutral',
});

// The mood word and its marker on the wallboard and the agent view agree: a class shown with
// confidence sets both ("▼ neutral" in the negative colour had said two things at once); without
// one, valence alone sets the marker.
import { describe, expect, it } from 'vitest';
import type { SpeakerView } from '../../../../../../services/alert-service/protocol.ts';
import { mood } from '../../../../../../services/alert-service/web/src/format.ts';

const speaker = (state: string, valence: number | null, arousal: number | null = 0.3): SpeakerView => ({
  state,
  valence,
  arousal,
  pace: null,
  tension: null,
  speaking: true,
});

describe('mood', () => {
  it('follows the class shown, whatever the valence', () => {
    expect(mood(speaker('neutral', 0.3))).toMatchObject({ cls: 'mood-neutral', icon: '●', word: 'neutral' });
    expect(mood(speaker('angry', 0.7))).toMatchObject({ cls: 'mood-negative', icon: '▼', word: 'angry' });
    expect(mood(speaker('happy', 0.45))).toMatchObject({ cls: 'mood-positive', icon: '▲', word: 'happy' });
  });

  it('falls back on valence when no class is shown', () => {
    expect(mood(speaker('uncertain', 0.3))).toMatchObject({ cls: 'mood-negative', word: 'unclear' });
    expect(mood(speaker('uncertain', 0.7))).toMatchObject({ cls: 'mood-positive', word: 'unclear' });
    expect(mood(speaker('uncertain', 0.3, 0.8))).toMatchObject({ cls: 'mood-negative', word: 'tense' });
    expect(mood(speaker('uncertain', 0.5))).toMatchObject({ cls: 'mood-neutral', word: 'unclear' });
  });
});

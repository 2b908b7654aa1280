// The mood word and its marker on the wallboard and the agent view agree: a class shown with
// confidence sets both ("▼ neutral" in the negative colour had said two things at once, "▼ angry"
// sat at 61 % on the positive side); without one, valence alone sets the marker. A silent customer
// has no side (the last valence is stale).
import { describe, expect, it } from 'vitest';
import type { SpeakerView } from '../../../../../../services/alert-service/protocol.ts';
import { mood } from '../../../../../../services/alert-service/web/src/format.ts';
import { moodValue } from '../../../../../../pipelines/emotion/mood-value.ts';

const speaker = (state: string, valence: number | null, arousal: number | null = 0.3): SpeakerView => ({
  state,
  valence,
  arousal,
  pace: null,
  paceTooFast: false,
  tension: null,
  tensionRise: null,
  tensionFrom: 'learning',
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

  it('shows a silent customer on no side, whatever the last valence', () => {
    expect(mood({ ...speaker('no-speech', 0.19), speaking: false })).toMatchObject({
      cls: 'mood-unknown',
      word: 'silent',
    });
  });

  it('places the marker on the side of the class shown, the valence only within it', () => {
    expect(moodValue('angry', 0.61)).toBe(0.35);
    expect(moodValue('angry', 0.2)).toBe(0.2);
    expect(moodValue('sad', 0.9)).toBe(0.35);
    expect(moodValue('happy', 0.3)).toBe(0.65);
    expect(moodValue('neutral', 0.1)).toBe(0.4);
    expect(moodValue('neutral', 0.55)).toBe(0.55);
    expect(moodValue('uncertain', 0.61)).toBe(0.61);
    expect(moodValue('bored', 0.1)).toBe(0.4); // shown on no side, as neutral
    expect(moodValue('angry', null)).toBeNull();
  });
});

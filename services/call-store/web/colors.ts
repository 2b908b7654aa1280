// Emotion colours for the band and legend: the Okabe–Ito palette (distinguishable with the common
// colour-vision deficiencies), and every colour is also named in text beside it. Pure.
export const EMOTION_COLORS: Record<string, string> = {
  neutral: '#bbbbbb',
  happy: '#009E73',
  angry: '#D55E00',
  sad: '#0072B2',
  anxious: '#E69F00',
  bored: '#CC79A7',
  disgust: '#56B4E9',
  // An `uncertain` window with confidently high arousal, as the live pages show it (shown-state.ts).
  tense: '#F0E442',
  uncertain: '#e6e6e6',
  'no-speech': '#ffffff',
};

/** Outline of `uncertain` spans in the band (4.5:1 on white; the fill alone is 1.2:1). */
export const UNCERTAIN_OUTLINE = '#767676';

export const SPEAKER_COLORS = { agent: '#0072B2', customer: '#D55E00' } as const;

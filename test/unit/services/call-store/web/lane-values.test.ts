// The QA timeline leaves pace and tension out where a speaker was silent (a silent window reads
// pace 0 and tension 1, which the timeline drew as maximum tension at every pause: UX probe);
// pitch and loudness are drawn as they are.
import { describe, expect, it } from 'vitest';
import { laneValues, PACE_WHILE_SPEAKING } from '../../../../../services/call-store/web/lane-values.ts';

const windows = {
  speechFraction: [0.9, 0, 0.19, 0.2, null],
  tension: [0.4, 1, 1, 0.5, 1],
  loudnessDbfs: [-20, -69, -60, -25, -70],
};

describe('timeline lane values', () => {
  it('gaps speech-only lanes where the window had too little speech', () => {
    expect(laneValues(windows, 'tension', true)).toEqual([0.4, null, null, 0.5, null]);
  });

  it('draws pace per second of speech where a window is at least half speech, as the rule judges it', () => {
    const paced = { speechFraction: [0.9, 0.5, 0.45, 1], syllableRate: [6.3, 3, 4, null] };
    expect(laneValues(paced, PACE_WHILE_SPEAKING, true)).toEqual([7, 6, null, null]);
  });

  it('draws other lanes as they are', () => {
    expect(laneValues(windows, 'loudnessDbfs', false)).toEqual([-20, -69, -60, -25, -70]);
  });
});

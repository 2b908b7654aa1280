// Shape of assets/nemo-calls/calls.json: per shipped call, what a listener hears (the customer's
// emotion per span of audio time) and which nEMO clip sits where. Written by
// scripts/build-demo-calls.ts, read by the tests and the demo. Pure types, no I/O.

/** One source clip placed on one channel of a call. */
export interface PlacedClip {
  channel: 'agent' | 'customer';
  speaker: string;
  /** The product's label of the clip (manifest `label`). */
  label: string;
  /** Path from the corpora folder, as in its manifest.csv (e.g. `nemo/KD0_neutral_4.wav`). */
  source: string;
  startMs: number;
  endMs: number;
}

/** A span of the call in which the customer is in one state: from its first clip to the next span. */
export interface CustomerSegment {
  label: string;
  startMs: number;
  endMs: number;
}

export interface DemoCall {
  id: string;
  /** WAV file name in the same folder: stereo, left = agent, right = customer, 8 kHz µ-law. */
  file: string;
  arc: string;
  /** What a listener hears, in words. */
  description: string;
  durationMs: number;
  agentSpeaker: string;
  customerSpeaker: string;
  customerSegments: CustomerSegment[];
  clips: PlacedClip[];
}

export interface DemoCallsFile {
  source: string;
  licence: string;
  seed: number;
  sampleRateHz: number;
  encoding: string;
  channels: { left: 'agent'; right: 'customer' };
  calls: DemoCall[];
}

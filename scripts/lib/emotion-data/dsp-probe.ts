// A fingerprint of what today's DSP computes on a few training calls, recorded in the model file:
// the unit test recomputes it and fails when the DSP changed after training (retrain then). No I/O.
import { createHash } from 'node:crypto';
import type { SpeakerCall } from './features.ts';

/** Two EmoDB speakers: small, always present where the corpora are. */
export const PROBE_SPEAKERS: readonly string[] = ['emodb-03', 'emodb-08'];

const r7 = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(7)) : null);

export function dspProbe(calls: readonly SpeakerCall[]): { speakers: string[]; sha256: string } {
  const sorted = [...calls].sort((a, b) => (a.speaker < b.speaker ? -1 : 1));
  const h = createHash('sha256');
  for (const c of sorted) for (const w of c.windows) h.update(JSON.stringify(Array.from(w.functionals, r7)));
  return { speakers: sorted.map((c) => c.speaker), sha256: h.digest('hex') };
}

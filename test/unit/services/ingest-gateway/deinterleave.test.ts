// Interleaved frames split into per-channel payloads: byte order of 16-bit samples kept.
import { describe, expect, it } from 'vitest';
import { deinterleave } from '../../../../services/ingest-gateway/deinterleave.ts';

describe('deinterleave', () => {
  it('splits 8-bit stereo samples', () => {
    const [a, c] = deinterleave(Uint8Array.from([1, 9, 2, 8, 3, 7]), 2, 1);
    expect([...a]).toEqual([1, 2, 3]);
    expect([...c]).toEqual([9, 8, 7]);
  });

  it('keeps the two bytes of each 16-bit sample together', () => {
    const [a, c] = deinterleave(Uint8Array.from([1, 2, 11, 12, 3, 4, 13, 14]), 2, 2);
    expect([...a]).toEqual([1, 2, 3, 4]);
    expect([...c]).toEqual([11, 12, 13, 14]);
  });

  it('passes a single channel through', () => {
    const [only] = deinterleave(Uint8Array.from([5, 6]), 1, 2);
    expect([...only]).toEqual([5, 6]);
  });
});

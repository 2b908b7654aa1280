// The dsp-worker's handling of an audio record adds little garbage to the DSP's: 100-ms records of
// a shipped call through CallStates with the real analyzer, counted in bytes of JS heap after
// warm-up (devkit/heap/worker-records.ts). Measured 1 160 bytes per record that completes no window,
// about 1 080 of them the DSP's 10 frames; 1 800-2 060 before the ledger, cursor and collect loops stopped
// allocating iterators, spliced-out arrays and empty silence lists per record.
import { describe, expect, it } from 'vitest';
import { demoCallAudio } from '../../../../devkit/heap/hot-path-call.ts';
import { bytesPerRecordBetweenWindows } from '../../../../devkit/heap/worker-records.ts';

const MAX_BYTES_PER_RECORD = 1600;

describe('dsp-worker record handling', () => {
  it('allocates little beyond the DSP per 100-ms record in steady state', () => {
    expect(bytesPerRecordBetweenWindows(demoCallAudio('call-2-angry-recovers', 'pcmu', 8000))).toBeLessThan(
      MAX_BYTES_PER_RECORD,
    );
  }, 120_000);
});

// The dsp-worker's handling of an audio record adds little garbage to the DSP's: 100-ms records of
// a shipped call through CallStates with the real analyzer, counted in bytes of JS heap after
// warm-up (devkit/heap/worker-records.ts). Measured 1 160 bytes per record that completes no window,
// about 1 080 of them the DSP's 10 frames; 1 800-2 060 before the ledger, cursor and collect loops stopped
// allocating iterators, spliced-out arrays and empty silence lists per record.
// The absolute figure moves ten times as much as the DSP's per-frame one, so it cannot tell the
// worker's own share apart (the old collect loops alone read 1 590, under the absolute bound): the
// worker's share is also asserted as the difference to the same records pushed straight into a
// call analyzer (192 measured; 456 with the old collect loops, 224 with a silence list per record).
import { describe, expect, it } from 'vitest';
import { demoCallAudio } from '../../../../devkit/heap/hot-path-call.ts';
import {
  bytesPerRecordBetweenWindows,
  workerBytesPerRecordBeyondDsp,
} from '../../../../devkit/heap/worker-records.ts';

const MAX_BYTES_PER_RECORD = 1600;
const MAX_WORKER_BYTES_PER_RECORD = 300;

describe('dsp-worker record handling', () => {
  it('allocates little beyond the DSP per 100-ms record in steady state', () => {
    const audio = demoCallAudio('call-2-angry-recovers', 'pcmu', 8000);
    expect(bytesPerRecordBetweenWindows(audio)).toBeLessThan(MAX_BYTES_PER_RECORD);
    expect(workerBytesPerRecordBeyondDsp(audio)).toBeLessThan(MAX_WORKER_BYTES_PER_RECORD);
  }, 120_000);
});

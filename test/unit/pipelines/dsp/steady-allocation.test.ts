// The live hot path allocates next to nothing per 10-ms frame in steady state: a shipped call
// through the call analyzer and both emotion trackers, counted in bytes of JS heap (not timed, so
// a busy machine does not move it). Bounds: measured figures (pipelines/dsp/README.md, "Memory")
// with headroom; one typed array per frame (`new Float32Array(256)`, about 200 bytes on the heap)
// in the frame analyzer goes over the per-frame bound.
import { beforeAll, describe, expect, it } from 'vitest';
import { allocatedBytes } from '../../../../devkit/heap/allocated-bytes.ts';
import { demoCallAudio, shippedEmotionModel } from '../../../../devkit/heap/hot-path-call.ts';
import { steadyAllocation } from '../../../../devkit/heap/steady-state.ts';
import type { EmotionModel } from '../../../../pipelines/emotion/index.ts';

/** Per frame between windows: measured 108 (8 kHz µ-law and 16 kHz linear PCM), boxed numbers. */
const MAX_BYTES_PER_FRAME = 180;
/** Per speaker window, its records and emotion event included: measured 6-15 KB. */
const MAX_BYTES_PER_WINDOW = 32_000;

let model: EmotionModel;
beforeAll(() => {
  model = shippedEmotionModel();
});

describe('steady-state allocation of the hot path', () => {
  it('counts what a piece of code allocates (a typed array per frame would show)', () => {
    let sink: Float32Array | null = null;
    const bytes = allocatedBytes(() => {
      for (let i = 0; i < 1000; i++) sink = new Float32Array(256);
    });
    expect(sink).not.toBeNull();
    expect(bytes / 1000).toBeGreaterThan(MAX_BYTES_PER_FRAME - 108);
    expect(allocatedBytes(() => {})).toBeLessThan(1024);
  });

  it('8 kHz µ-law call, DSP and emotion: frames allocate next to nothing, windows a bounded amount', () => {
    const figures = steadyAllocation(demoCallAudio('call-2-angry-recovers', 'pcmu', 8000), model);
    expect(figures.windows).toBeGreaterThan(20);
    expect(figures.bytesPerFrameBetweenWindows).toBeLessThan(MAX_BYTES_PER_FRAME);
    expect(figures.bytesPerWindow).toBeLessThan(MAX_BYTES_PER_WINDOW);
  });

  it('16 kHz linear PCM call (decoder and resampler in the path): no view per packet', () => {
    const figures = steadyAllocation(demoCallAudio('call-2-angry-recovers', 'linear16', 16000), model);
    expect(figures.windows).toBeGreaterThan(20);
    expect(figures.bytesPerFrameBetweenWindows).toBeLessThan(MAX_BYTES_PER_FRAME);
    expect(figures.bytesPerWindow).toBeLessThan(MAX_BYTES_PER_WINDOW);
  });
}, 120_000);

// The live hot path allocates next to nothing per 10-ms frame in steady state: a shipped call
// through the call analyzer and both emotion trackers, counted in bytes of JS heap (not timed, so
// a busy machine does not move it). Bounds: measured figures (pipelines/dsp/README.md, "Memory")
// with headroom; one typed array per frame (`new Float32Array(256)`, about 200 bytes on the heap)
// in the frame analyzer goes over the per-frame bound.
import { beforeAll, describe, expect, it } from 'vitest';
import { createCallAnalyzer, createChannelAnalyzer, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import { allocatedBytes } from '../../../../devkit/heap/allocated-bytes.ts';
import { demoCallAudio, shippedEmotionModel } from '../../../../devkit/heap/hot-path-call.ts';
import { steadyAllocation } from '../../../../devkit/heap/steady-state.ts';
import type { EmotionModel } from '../../../../pipelines/emotion/index.ts';

/**
 * Per frame between windows: measured 108-110 (8 kHz µ-law and 16 kHz linear PCM, Node 24.11 and
 * 24.21, load average 24, late optimising compiler), boxed numbers. 180 let through one small
 * object per frame (148) and a `{ windows: [], dynamics: [] }` per push (160).
 */
const MAX_BYTES_PER_FRAME = 130;
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

  it('a push that completes nothing returns the one shared, frozen empty output (no object per packet)', () => {
    const format = { codec: 'pcmu' as const, sampleRateHz: 8000 };
    const packet = encodeMuLaw(new Float32Array(160).fill(0.1));
    const call = createCallAnalyzer({ format });
    const first = call.push('agent', packet);
    expect(first.windows).toHaveLength(0);
    expect(call.push('customer', packet)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.windows) && Object.isFrozen(first.dynamics)).toBe(
      true,
    );
    const channel = createChannelAnalyzer({ format });
    const none = channel.push(packet);
    expect(none).toHaveLength(0);
    expect(channel.push(packet)).toBe(none);
    expect(channel.push(new Uint8Array(0))).toBe(none);
    expect(Object.isFrozen(none)).toBe(true);
    // The types say so too (npm run typecheck): a caller that added to an output would throw at run time.
    const mutate = (): void => {
      // @ts-expect-error read-only: often the shared frozen output
      first.windows.push({ channel: 'agent', window: none[0] });
      // @ts-expect-error read-only
      none.push(none[0]);
    };
    expect(typeof mutate).toBe('function');
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

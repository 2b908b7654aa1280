// A hold during a customer line fault: the hold's frames are hold time (holdMs), not the line's
// silence, as the line watch itself does not count them: a window wholly on hold carries no
// customerLineFaultMs, and the call's line-fault time is not the hold's.
import { describe, expect, it } from 'vitest';
import { createCallAnalyzer, decodeMuLaw, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import type { DynamicsWindow } from '../../../../pipelines/dsp/types.ts';
import { demoCallAudio } from '../../../../devkit/heap/hot-path-call.ts';
import { deadFrom } from '../../../../devkit/audio/line-faults.ts';

describe('a hold during a one-way customer line', () => {
  it('is not counted as line-fault time', () => {
    const shipped = demoCallAudio('call-2-angry-recovers');
    const customer = encodeMuLaw(deadFrom(decodeMuLaw(shipped.customer), 8000, 0, null));
    const call = createCallAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
    const dynamics: DynamicsWindow[] = [];
    for (let at = 0; at < shipped.agent.length; at += 160) {
      const held = at >= 50 * 8000 && at < 70 * 8000; // on hold from 50 to 70 s
      dynamics.push(...call.push('agent', shipped.agent.subarray(at, at + 160), held).dynamics);
      dynamics.push(...call.push('customer', customer.subarray(at, at + 160), held).dynamics);
    }
    dynamics.push(...call.flush().dynamics);
    // The fault was found before the hold and lasts past it.
    expect(dynamics.some((d) => d.endMs <= 50_000 && (d.customerLineFaultMs ?? 0) > 0)).toBe(true);
    expect(dynamics.some((d) => d.startMs >= 70_000 && (d.customerLineFaultMs ?? 0) > 0)).toBe(true);
    for (const d of dynamics) {
      const length = d.endMs - d.startMs;
      expect([d.startMs, (d.customerLineFaultMs ?? 0) + (d.holdMs ?? 0)]).toEqual([
        d.startMs,
        Math.min(length, (d.customerLineFaultMs ?? 0) + (d.holdMs ?? 0)),
      ]);
      if ((d.holdMs ?? 0) === length) expect(d.customerLineFaultMs ?? 0).toBe(0);
    }
  });
});

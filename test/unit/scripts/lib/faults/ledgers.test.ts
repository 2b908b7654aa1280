// The fault bench's ledgers: windows counted once per id with replays apart, replays the bounded
// product dedupe lets through, p99 per interval and the recovery time after a fault; alerts
// compared with a reference run by their signature.
import { describe, expect, it } from 'vitest';
import { alertsLost, createAlertLedger } from '../../../../../scripts/lib/faults/alert-ledger.ts';
import {
  createWindowLedger,
  percentile,
  recoverySeconds,
} from '../../../../../scripts/lib/faults/window-ledger.ts';

const event = (callId: string, index: number, producedAtMs: number, latencyMs: number) => ({
  eventId: `demo/${callId}:agent:${index}:emotion`,
  callId,
  producedAtMs,
  audioCompletedAtMs: producedAtMs - latencyMs,
});

describe('window ledger', () => {
  it('counts each window once, replays apart, and replays the bounded dedupe forgot', () => {
    const ledger = createWindowLedger(2);
    ledger.add(event('run-0', 0, 1_000, 100), 1_000);
    ledger.add(event('run-0', 1, 1_100, 100), 1_100);
    ledger.add(event('run-0', 0, 1_200, 100), 1_200); // replay, still remembered: dropped
    ledger.add(event('run-1', 0, 1_300, 100), 1_300); // pushes run-0:0 out of the dedupe
    ledger.add(event('run-0', 0, 1_400, 100), 1_400); // replay the dedupe lets through
    expect(ledger.distinct('run-')).toBe(3);
    expect(ledger.perCall('run-').get('run-0')).toBe(2);
    expect([ledger.duplicatesRaw('run-'), ledger.duplicatesAfterDedupe('run-')]).toEqual([2, 1]);
  });

  it('names the windows each call got, so a lost one can be named against the reference', () => {
    const ledger = createWindowLedger();
    for (const index of [0, 1, 2]) ledger.add(event('ref-0', index, 1_000, 100), 1_000);
    for (const index of [0, 2]) ledger.add(event('run-0', index, 1_000, 100), 1_000);
    expect([...ledger.windowsOf('run-0')]).toEqual(['agent:0', 'agent:2']);
    const missing = [...ledger.windowsOf('ref-0')].filter((k) => !ledger.windowsOf('run-0').has(k));
    expect(missing).toEqual(['agent:1']);
    expect(ledger.windowsOf('never-seen').size).toBe(0);
  });

  it('times windows by when they were produced, not when the bench read them', () => {
    const ledger = createWindowLedger();
    ledger.add(event('run-0', 0, 5_000, 200), 60_000);
    expect(ledger.latencies('run-', 5_000, 6_000)).toEqual([200]);
  });

  it('reads the recovery as the first second after which p99 stays under the limit', () => {
    const ledger = createWindowLedger();
    const latencyAt = [100, 9_000, 4_000, 300, 800, 200, 100, 150];
    latencyAt.forEach((latency, s) => ledger.add(event('run-0', s, 10_000 + s * 1_000 + 10, latency), 0));
    // Seconds 0..7 after the fault: under 500 ms again from second 5 on (second 4 was 800 ms).
    expect(recoverySeconds(ledger, 'run-', 10_000, 18_000)).toBe(5);
    expect(recoverySeconds(ledger, 'run-', 10_000, 15_000)).toBeNull();
    expect(percentile([1, 2, 3, 4, 100], 99)).toBe(100);
  });
});

describe('alert ledger', () => {
  it('finds the reference alerts a call of the fault run is missing, by signature', () => {
    const ledger = createAlertLedger();
    ledger.add('demo/ref-1:customer:12:customer-frustration', 'ref-1');
    ledger.add('demo/ref-1:call:20:overtalk', 'ref-1');
    ledger.add('demo/run-1:customer:12:customer-frustration', 'run-1');
    ledger.add('demo/run-5:customer:12:customer-frustration', 'run-5');
    ledger.add('demo/run-5:call:20:overtalk', 'run-5');
    const lost = alertsLost(ledger, ['run-1', 'run-5'], () => ledger.of('ref-1'));
    expect(lost).toEqual({ expected: 4, lost: 1 });
    expect(ledger.count('run-')).toBe(3);
  });
});

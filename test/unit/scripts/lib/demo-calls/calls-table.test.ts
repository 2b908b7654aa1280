import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCallsTable, withCallsTable } from '../../../../../scripts/lib/demo-calls/calls-table.ts';
import { NEMO_CALLS_DIR, readDemoCalls } from '../../../../support/nemo-calls.ts';

describe('the demo calls table', () => {
  it('in the committed README is the one calls.json gives (speakers, lengths and spans agree)', () => {
    const readme = readFileSync(join(NEMO_CALLS_DIR, 'README.md'), 'utf8');
    expect(withCallsTable(readme, readDemoCalls().calls)).toBe(readme);
  });

  it('names each call with its agent, customer and the spans a listener hears', () => {
    const [call] = readDemoCalls().calls.filter((c) => c.id === 'call-2-angry-recovers');
    const table = renderCallsTable([
      { ...call, customerSegments: [{ label: 'angry', startMs: 1_500, endMs: 9_000 }], durationMs: 9_000 },
    ]);
    expect(table).toContain(
      '| `call-2-angry-recovers.wav` (9.0 s) | calm → angry → calm after the agent acknowledges | SM0 (m) | KD0 (f) | angry 1.5–9.0 s |',
    );
  });

  it('refuses a README without the markers rather than appending a second table', () => {
    expect(() => withCallsTable('# Demo calls\n', readDemoCalls().calls)).toThrow(/markers/);
  });
});

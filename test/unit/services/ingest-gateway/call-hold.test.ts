// The CallHold state of one stream: a change closes each channel's chunk (handed to the caller),
// a repeat changes nothing, and only the first changes are logged.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import { createCallHold } from '../../../../services/ingest-gateway/call-hold.ts';
import { createLogger } from '../../../../services/shared/logger.ts';
import type { AudioChunk } from '../../../../services/shared/records.ts';
import { stereoBatchers } from './stereo-batchers.ts';

function harness() {
  const batchers = stereoBatchers();
  const lines: string[] = [];
  const closed: [Channel, AudioChunk][] = [];
  const hold = createCallHold({
    batchers,
    logger: () => createLogger({ service: 'test', write: (line) => lines.push(line) }),
    audioMs: () => 0,
    nowMs: () => 1,
    closed: (channel, chunk) => closed.push([channel, chunk]),
  });
  return { batchers, hold, lines, closed };
}

describe('call hold', () => {
  it('closes each channel chunk at a change, in the state it was sent in; a repeat changes nothing', () => {
    const { batchers, hold, closed } = harness();
    for (const batcher of batchers.values()) batcher.add(new Uint8Array(160), 0, 1);
    expect(hold.set(true)).toBe(true);
    expect(closed.map(([channel, chunk]) => [channel, chunk.onHold, chunk.audioEndMs])).toEqual([
      ['agent', false, 20],
      ['customer', false, 20],
    ]);
    expect(hold.set(true)).toBe(false);
    expect(hold.onHold()).toBe(true);
    expect([...batchers.values()].every((b) => b.onHold())).toBe(true);
    expect(hold.set(false)).toBe(true);
    expect(closed).toHaveLength(2); // nothing was buffered on hold
  });

  it('logs the first 20 changes of a stream only', () => {
    const { hold, lines } = harness();
    for (let k = 0; k < 100; k += 1) hold.set(k % 2 === 0);
    expect(lines.filter((l) => l.includes('hold'))).toHaveLength(20);
    expect(lines.at(-1)).toContain('not logged');
  });
});

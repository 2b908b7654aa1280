// The agent-leg marker of a stream's audio chunks: the same for every stream of one agent on one
// call (a reconnect, on any replica), another for another agent or another call, 0 without an
// agent id; the agent id itself never on a chunk.
import { describe, expect, it } from 'vitest';
import { agentLegOf } from '../../../../services/ingest-gateway/agent-leg.ts';
import { createChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import { audioChunkCodec } from '../../../../services/shared/records.ts';

const call = { tenant: 'acme', callId: 'c1', agentId: 'agent-7' };

describe('agent leg marker', () => {
  it('is stable for one agent on one call and differs for another agent or call', () => {
    const leg = agentLegOf(call);
    expect(leg).toBeGreaterThan(0);
    expect(leg).toBeLessThan(2 ** 32);
    expect(agentLegOf({ ...call })).toBe(leg);
    expect(agentLegOf({ ...call, agentId: 'agent-8' })).not.toBe(leg);
    expect(agentLegOf({ ...call, callId: 'c2' })).not.toBe(leg);
    expect(agentLegOf({ ...call, tenant: 'other' })).not.toBe(leg);
    expect(agentLegOf({ ...call, agentId: '' })).toBe(0);
  });

  it('goes on every chunk of the stream and survives the wire; the agent id does not travel', () => {
    const agentLeg = agentLegOf(call);
    const batcher = createChannelBatcher({
      callId: 'c1',
      tenant: 'acme',
      channel: 'agent',
      codec: 'pcmu',
      sampleRateHz: 8000,
      maxChunkMs: 100,
      maxGapFillMs: 1000,
      agentLeg,
    });
    const chunks = [];
    for (let seq = 0; seq < 12; seq += 1) chunks.push(...batcher.add(new Uint8Array(160), seq, seq * 20));
    chunks.push(batcher.flush(300, true)!);
    const decoded = chunks.map((c) => audioChunkCodec.decode(audioChunkCodec.encode(c)));
    expect(decoded.map((c) => c.agentLeg)).toEqual([agentLeg, agentLeg, agentLeg]);
    expect(audioChunkCodec.encode(chunks[0]).includes(Buffer.from('agent-7'))).toBe(false);
  });
});

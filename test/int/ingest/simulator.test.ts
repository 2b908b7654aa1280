// The call simulator against a real gateway and broker: several synthetic stereo calls streamed
// faster than real time all end OK, and each lands completely in the audio topic.
import { describe, expect, it } from 'vitest';
import { audioChunkCodec, callEventCodec, type AudioChunk } from '../../../services/shared/records.ts';
import { prepareAudio, runSimulation } from '../../../services/simulator/simulate.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, gatewayForFile, simulationOptions } from './helpers.ts';

const TOKEN = 'sim-token-0123456789';
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');

const suite = gatewayForFile(
  { audio: audioTopic, calls: callsTopic },
  { TENANT_TOKENS: `sim=${TOKEN}`, TOPIC_PARTITIONS: '3' },
);

describe('call simulator', () => {
  it('streams synthetic stereo calls that arrive whole in the audio topic', async () => {
    const options = simulationOptions(`127.0.0.1:${suite.gateway.grpc.port}`, TOKEN, {
      calls: 3,
      seconds: 4,
      speed: 4,
      codec: 'pcma' as const,
      staggerMs: 10,
      seed: 7,
    });
    const audio = prepareAudio(options);
    const summary = await runSimulation(options, audio);
    expect(summary).toMatchObject({ calls: 3, ok: 3, failed: 0, frames_sent: 3 * 2 * 200 });
    // Faster than real time: 4 s of audio at speed 4 takes about 1 s, not 4.
    expect(summary.wall_seconds).toBeLessThan(3.5);

    const chunks = await collectUntil(
      testKafka(),
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => all.filter((c) => c.final).length === 6,
    );
    for (const [i, callId] of summary.call_ids.entries()) {
      for (const channel of ['agent', 'customer'] as const) {
        const own = chunks.filter((c: AudioChunk) => c.callId === callId && c.channel === channel);
        const bytes = Buffer.concat(own.map((c) => c.payload));
        const sent = audio[i % audio.length][channel];
        expect(bytes.equals(Buffer.from(sent))).toBe(true);
        expect(own.every((c) => c.codec === 'pcma' && c.sampleRateHz === 8000)).toBe(true);
      }
    }
  });

  it("starts every call as the tenant's own agent, team, queue and customer when told", async () => {
    const options = simulationOptions(`127.0.0.1:${suite.gateway.grpc.port}`, TOKEN, {
      calls: 2,
      seconds: 1,
      speed: 2,
      seed: 3,
      callIdPrefix: uniqueName('own'),
      agentId: 'agent-77',
      team: 'sales',
      queue: 'renewals',
      customerRef: '+44 7700 900077',
    });
    expect(await runSimulation(options, prepareAudio(options))).toMatchObject({ ok: 2 });
    const starts = await collectUntil(
      testKafka(),
      callsTopic,
      (m) => callEventCodec.decode(m.value, m.headers),
      (all) =>
        all.filter((e) => e.type === 'started' && e.callId.startsWith(options.callIdPrefix)).length === 2,
    );
    for (const start of starts.filter(
      (e) => e.type === 'started' && e.callId.startsWith(options.callIdPrefix),
    )) {
      expect([start.agentId, start.team, start.queue]).toEqual(['agent-77', 'sales', 'renewals']);
      // Pseudonymised by the gateway, never the raw number.
      expect(start.customerRef).toMatch(/^cref1_/);
    }
  });
});

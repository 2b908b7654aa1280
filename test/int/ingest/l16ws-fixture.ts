// What the L16 WebSocket tests share: the jambonz source's secret and first frame, the gateway
// environment, and readers of what a call left in Kafka. I/O: Kafka (endedEvent).
import type { Kafka } from 'kafkajs';
import { callEventCodec, type AudioChunk, type CallEvent } from '../../../services/shared/records.ts';
import { uniqueName } from '../../support/kafka.ts';
import { collectUntil } from './helpers.ts';
import { basicAuth, openL16Socket, sendFrames, type Opened } from './l16ws-client.ts';

export const TOKEN = 'acme-token-0123456789';
export const JAMBONZ_SECRET = 'jambonz-secret-0123456789';
export const jambonzAuth = basicAuth('jambonz-eu', JAMBONZ_SECRET);
export const JAMBONZ_SOURCE = { 'jambonz-eu': { tenant: 'acme', secret: JAMBONZ_SECRET } };

/** A gateway with the adapter on a free loopback port, replaying faster than real time. */
export const L16_GATEWAY_ENV = {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  MAX_STREAM_SPEED: '0',
  L16WS_PORT: '0',
  L16WS_HOST: '127.0.0.1',
};

export const callSid = (): string => uniqueName('sid').replace('.', '-');

/** jambonz's first frame: call attributes, sampleRate and mixType, the verb's metadata on top. */
export function jambonzMetadata(callSid: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    sampleRate: 8000,
    mixType: 'stereo',
    callSid,
    direction: 'inbound',
    from: '+15083084809',
    to: '+15085551212',
    callId: 'a4b3c2d1@10.0.0.7',
    accountSid: 'ed649e33-e771-403a-8c99-1780eabbc803',
    applicationSid: '0e0681b2-ff94-4a4d-9d3f-1d8bde8e8e8f',
    agentId: 'agent-7',
    queue: 'billing',
    team: 'blue',
    consent: { analytics: true, storeFeatures: true },
    ...over,
  });
}

/** A call's audio per channel, its chunks in order. */
export function byChannel(chunks: AudioChunk[], callId: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const channel of ['agent', 'customer']) {
    const own = chunks.filter((c) => c.callId === callId && c.channel === channel);
    own.sort((a, b) => a.chunkIndex - b.chunkIndex);
    if (own.length > 0) out[channel] = Buffer.concat(own.map((c) => c.payload));
  }
  return out;
}

export const finals = (chunks: AudioChunk[], callId: string): number =>
  chunks.filter((c) => c.callId === callId && c.final).length;

/** The call's `ended` event in the calls topic. */
export async function endedEvent(
  kafka: Kafka,
  topic: string,
  callId: string,
): Promise<CallEvent | undefined> {
  const events = await collectUntil(
    kafka,
    topic,
    (m) => callEventCodec.decode(m.value, m.headers),
    (all) => all.some((e) => e.callId === callId && e.type === 'ended'),
  );
  return events.find((e) => e.callId === callId && e.type === 'ended');
}

/** 20 ms of 8 kHz 16-bit stereo: one L16 frame, two channel frames. */
export const L16_FRAME_BYTES = 640;

/**
 * A jambonz call live on the gateway's L16 port: the socket of the source, the call's metadata and
 * its first `frames` stereo frames (sent, not yet all taken in: wait on the gateway for that).
 */
export async function liveL16Call(port: number, callId: string, frames: number): Promise<Opened> {
  const socket = await openL16Socket(port, { authorization: jambonzAuth });
  socket.ws.send(jambonzMetadata(callId));
  await sendFrames(socket.ws, Buffer.alloc(L16_FRAME_BYTES * frames, 1), L16_FRAME_BYTES);
  return socket;
}

/** Sends `frames` more stereo frames, hangs up (close 1000) and returns the call's `ended` event. */
export async function hangUpAfter(
  socket: Opened,
  frames: number,
  kafka: Kafka,
  callsTopic: string,
  callId: string,
): Promise<{ closeCode: number; ended: CallEvent | undefined }> {
  await sendFrames(socket.ws, Buffer.alloc(L16_FRAME_BYTES * frames, 2), L16_FRAME_BYTES);
  socket.ws.close(1000);
  const closeCode = (await socket.closed).code;
  return { closeCode, ended: await endedEvent(kafka, callsTopic, callId) };
}

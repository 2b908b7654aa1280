// What an AudioChunk on va.audio.v1 may hold: one set of bounds shared by the ingest gateway
// (which refuses anything else at its edge) and the chunk decoder of the dsp-worker (which
// dead-letters anything else): a chunk with sampleRateHz 4e9 used to make the resampler
// allocate ~9 GB on every restart. Pure.
import type { AudioChunk } from './records.ts';

/** The rates the gateway accepts; the DSP analyses both at 8 kHz (16 kHz is resampled once). */
export const SAMPLE_RATES_HZ: readonly number[] = [8000, 16000];

/** A frame's audio time since call start stays under a day (the gateway's frame bound). */
export const MAX_FRAME_AUDIO_TIME_MS = 86_400_000;

/** A chunk ends at most two days into its call: a day of offset plus a day-long call. */
export const MAX_CHUNK_AUDIO_TIME_MS = 2 * MAX_FRAME_AUDIO_TIME_MS;

/**
 * The gateway's largest chunk: CHUNK_MAX_MS (≤ 2 s) of audio and gap fill (a longer fill is cut
 * into chunks of that size) plus one frame (MAX_FRAME_BYTES ≤ 1 MiB) at 16 kHz linear16 (32 bytes
 * per ms) is under 1.2 MB; the bound leaves room.
 */
export const MAX_CHUNK_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** Unix ms a Date can hold (±8.64e15): wall clocks beyond it are not clocks. */
const MAX_WALL_CLOCK_MS = 8.64e15;

/** The gateway's call ids: no colon, since event ids are `${callId}:${channel}:…`. */
export const CALL_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
/** One character a call id may not hold (CALL_ID_PATTERN's complement), for names made into ids. */
export const NOT_CALL_ID_CHAR = /[^A-Za-z0-9._-]/g;
/** Tenant names as TENANT_TOKENS allows them; empty in records written before tenants. */
export const TENANT_PATTERN = /^[\w.-]{0,64}$/;

const between = (value: number, min: number, max: number): boolean =>
  Number.isFinite(value) && value >= min && value <= max;

/** Why this decoded chunk cannot be analysed, or null when it is within every bound. */
export function audioChunkProblem(chunk: AudioChunk): string | null {
  if (!CALL_ID_PATTERN.test(chunk.callId)) return 'callId is not 1-128 characters of A-Z a-z 0-9 . _ -';
  if (!TENANT_PATTERN.test(chunk.tenant)) return 'tenant is not 0-64 characters of A-Z a-z 0-9 _ . -';
  if (chunk.channel === 'unspecified') return 'channel is unspecified';
  if (chunk.codec === 'unspecified') return 'codec is unspecified';
  if (!SAMPLE_RATES_HZ.includes(chunk.sampleRateHz)) {
    return `sampleRateHz ${chunk.sampleRateHz} is not one of ${SAMPLE_RATES_HZ.join(', ')}`;
  }
  if (!between(chunk.audioStartMs, 0, MAX_CHUNK_AUDIO_TIME_MS)) {
    return `audioStartMs is outside 0..${MAX_CHUNK_AUDIO_TIME_MS}`;
  }
  if (!between(chunk.audioEndMs, chunk.audioStartMs, MAX_CHUNK_AUDIO_TIME_MS)) {
    return `audioEndMs is outside audioStartMs..${MAX_CHUNK_AUDIO_TIME_MS}`;
  }
  const bytes = chunk.payload.byteLength;
  if (bytes > MAX_CHUNK_PAYLOAD_BYTES) return `payload of ${bytes} bytes exceeds ${MAX_CHUNK_PAYLOAD_BYTES}`;
  if (chunk.codec === 'linear16' && bytes % 2 !== 0) return 'linear16 payload is not whole samples';
  if (!between(chunk.firstReceivedAtMs, 0, MAX_WALL_CLOCK_MS)) return 'firstReceivedAtMs is not a wall clock';
  if (!between(chunk.receivedAtMs, 0, MAX_WALL_CLOCK_MS)) return 'receivedAtMs is not a wall clock';
  return null;
}

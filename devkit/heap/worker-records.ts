// What the dsp-worker's per-record handling allocates on top of the DSP: a shipped call's two
// channels as 100-ms va.audio.v1 records (the gateway's batching) through CallStates with the real
// call analyzer, counted record by record after warm-up; the records that complete no window give
// the figure (the DSP's share of it is about 10 frames' worth, see steady-state.ts). The least of
// a few rounds, for the reason steady-state.ts gives. I/O: none beyond the audio given.
import { createCallAnalyzer } from '../../pipelines/dsp/index.ts';
import { CallStates, type AudioRecord } from '../../services/dsp-worker/call-states.ts';
import type { EncodedCallAudio } from '../audio/call-audio.ts';
import { allocatedBytes } from './allocated-bytes.ts';

/** The gateway's default batch (BATCH_MAX_DELAY_MS). */
const RECORD_MS = 100;

function recordsOf(audio: EncodedCallAudio, callId: string): AudioRecord[] {
  const bytesPerMs = ((audio.codec === 'linear16' ? 2 : 1) * audio.sampleRateHz) / 1000;
  const size = RECORD_MS * bytesPerMs;
  const format = { codec: audio.codec, sampleRateHz: audio.sampleRateHz };
  const records: AudioRecord[] = [];
  const length = Math.min(audio.agent.length, audio.customer.length);
  for (let at = 0, offset = 0; at + size <= length; at += size) {
    for (const channel of ['agent', 'customer'] as const) {
      const payload = audio[channel].subarray(at, at + size);
      records.push({
        partition: 0,
        offset: offset++,
        callId,
        channel,
        startMs: at / bytesPerMs,
        format,
        payload,
      });
    }
  }
  return records;
}

function callStates(): CallStates {
  return new CallStates({
    createAnalyzer: (format) => createCallAnalyzer({ format }),
    windowHopMs: 1000,
    idleTimeoutMs: 30_000,
    maxCalls: 10,
    maxGapMs: 5_000,
  });
}

/** Pushes one record; returns how many windows (speaker and dynamics) it completed. */
type RecordSink = (record: AudioRecord) => number;

function throughCallStates(): RecordSink {
  const states = callStates();
  return (record) => {
    const out = states.push(record, 0);
    return out.windows.length + out.dynamics.length;
  };
}

/** The same records straight into a call analyzer: the DSP's share of a record, no worker. */
function throughAnalyzer(audio: EncodedCallAudio): RecordSink {
  const call = createCallAnalyzer({ format: { codec: audio.codec, sampleRateHz: audio.sampleRateHz } });
  return (record) => {
    const out = call.push(record.channel, record.payload);
    return out.windows.length + out.dynamics.length;
  };
}

function leastPerQuietRecord(
  audio: EncodedCallAudio,
  sink: () => RecordSink,
  rounds: number,
  skip: number,
  count: number,
): number {
  const warm = sink();
  for (const record of recordsOf(audio, 'warm')) warm(record);
  let least = Infinity;
  for (let round = 0; round < rounds; round++) {
    const records = recordsOf(audio, `round-${round}`);
    if (skip + count > records.length) throw new Error(`the call has ${records.length} records`);
    const push = sink();
    for (let i = 0; i < skip; i++) push(records[i]);
    let bytes = 0;
    let quiet = 0;
    for (let i = skip; i < skip + count; i++) {
      let completed = 0;
      const b = allocatedBytes(() => {
        completed = push(records[i]);
      });
      if (completed > 0) continue;
      bytes += b;
      quiet++;
    }
    least = Math.min(least, bytes / quiet);
  }
  return least;
}

/** Bytes per 100-ms record that completes no window, DSP included; the least over `rounds`. */
export function bytesPerRecordBetweenWindows(
  audio: EncodedCallAudio,
  rounds = 3,
  skip = 400,
  count = 600,
): number {
  return leastPerQuietRecord(audio, throughCallStates, rounds, skip, count);
}

/**
 * What the worker adds to the DSP per such record: the figure above less the same records pushed
 * straight into a call analyzer (so a change in what V8 inlines in the DSP does not move it).
 */
export function workerBytesPerRecordBeyondDsp(audio: EncodedCallAudio, rounds = 3): number {
  const dsp = leastPerQuietRecord(audio, () => throughAnalyzer(audio), rounds, 400, 600);
  return bytesPerRecordBetweenWindows(audio, rounds) - dsp;
}

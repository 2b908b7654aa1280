// The shipped demo calls (assets/nemo-calls/) for tests: calls.json, the listener's truth, and a
// call's two channels as 8 kHz µ-law bytes, the way the gateway carries them. I/O: reads assets/.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav } from '../../pipelines/audio/wav.ts';
import { encodeMuLaw } from '../../pipelines/dsp/index.ts';
import type { DemoCall, DemoCallsFile } from '../../scripts/lib/demo-calls/calls-file.ts';

export const NEMO_CALLS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../assets/nemo-calls');

export interface ShippedCall {
  call: DemoCall;
  agent: Uint8Array;
  customer: Uint8Array;
}

export function readDemoCalls(): DemoCallsFile {
  return JSON.parse(readFileSync(join(NEMO_CALLS_DIR, 'calls.json'), 'utf8')) as DemoCallsFile;
}

/** One shipped call by id (e.g. `call-2-angry-recovers`): its truth and its µ-law channels. */
export function readShippedCall(id: string): ShippedCall {
  const call = readDemoCalls().calls.find((c) => c.id === id);
  if (!call) throw new Error(`no shipped call "${id}" in ${NEMO_CALLS_DIR}/calls.json`);
  const wav = parseWav(readFileSync(join(NEMO_CALLS_DIR, call.file)));
  if (wav.sampleRateHz !== 8000 || wav.encoding !== 'mulaw' || wav.channels.length !== 2) {
    throw new Error(`${call.file}: expected 8 kHz stereo µ-law`);
  }
  // Decoded µ-law re-encodes to the file's codes: the bytes the platform sent.
  return { call, agent: encodeMuLaw(wav.channels[0]), customer: encodeMuLaw(wav.channels[1]) };
}

/** Start of the customer's first span with this label (audio time, ms). */
export function segmentStartMs(call: DemoCall, label: string): number {
  const segment = call.customerSegments.find((s) => s.label === label);
  if (!segment) throw new Error(`${call.id} has no "${label}" span`);
  return segment.startMs;
}

/**
 * Shipped calls played one after the other as one call, cut at `durationMs` (8 kHz µ-law: 8 bytes
 * per ms): e.g. the angry arc then the calm call as a 2-minute call. Its truth follows: each
 * call's customer spans, shifted to where that call starts, cut at the end.
 */
export function concatShippedCalls(ids: string[], durationMs: number): ShippedCall {
  const parts = ids.map(readShippedCall);
  const bytes = durationMs * 8;
  const join = (side: 'agent' | 'customer'): Uint8Array => {
    const out = new Uint8Array(bytes).fill(0xff); // µ-law silence if the calls are shorter
    let at = 0;
    for (const part of parts) {
      const channel = part[side].subarray(0, Math.max(0, bytes - at));
      out.set(channel, at);
      at += part[side].length;
    }
    return out;
  };
  const customerSegments: DemoCall['customerSegments'] = [];
  let offsetMs = 0;
  for (const { call } of parts) {
    for (const segment of call.customerSegments) {
      if (offsetMs + segment.startMs >= durationMs) continue;
      customerSegments.push({
        ...segment,
        startMs: offsetMs + segment.startMs,
        endMs: Math.min(durationMs, offsetMs + segment.endMs),
      });
    }
    offsetMs += call.durationMs;
  }
  const call: DemoCall = { ...parts[0].call, id: ids.join('+'), durationMs, customerSegments, clips: [] };
  return { call, agent: join('agent'), customer: join('customer') };
}

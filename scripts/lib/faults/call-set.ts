// The calls the fault bench streams: the shipped nEMO recordings (assets/nemo-calls: real speech,
// stereo 8 kHz µ-law, 71-100 s, alerts in them), which the simulator cycles in sorted order, so
// call `prefix-i` plays file i % files. For each file: the windows pipelines/dsp gives it (every
// one must arrive) and its length. I/O: reads the WAV files.
import { join } from 'node:path';
import { encodeCallAudio, loadCallAudio } from '../../../devkit/audio/call-audio.ts';
import { REPO_ROOT } from '../../../devkit/pipeline/harness.ts';
import { windowsOfTelephoneCall } from '../../../devkit/pipeline/pipeline-procs.ts';

export const NEMO_DIR = join(REPO_ROOT, 'assets/nemo-calls');

export interface CallSet {
  readonly audioPath: string;
  readonly files: { name: string; windows: number; durationMs: number }[];
  /** Index of the file call `…-i` plays. */
  fileOf(callId: string): number;
  /** Windows expected of `calls` calls numbered 0..calls-1. */
  windowsOf(calls: number): number;
  /** Seconds of stereo audio in `calls` calls. */
  audioSecondsOf(calls: number): number;
}

export function nemoCallSet(): CallSet {
  const files = loadCallAudio(NEMO_DIR).map((source) => {
    const audio = encodeCallAudio(source, 'pcmu', 8000);
    return {
      name: source.name,
      windows: windowsOfTelephoneCall(audio.agent, audio.customer),
      durationMs: audio.durationMs,
    };
  });
  const sum = (calls: number, of: (file: (typeof files)[number]) => number): number => {
    let total = 0;
    for (let i = 0; i < calls; i++) total += of(files[i % files.length]);
    return total;
  };
  return {
    audioPath: NEMO_DIR,
    files,
    fileOf: (callId) => Number(callId.slice(callId.lastIndexOf('-') + 1)) % files.length,
    windowsOf: (calls) => sum(calls, (file) => file.windows),
    audioSecondsOf: (calls) => sum(calls, (file) => file.durationMs) / 1000,
  };
}

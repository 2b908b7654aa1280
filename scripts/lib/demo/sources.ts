// What the demo streams: the shipped nEMO calls (assets/nemo-calls, real recorded speech, the
// default), the simulator's synthetic voices (`--synthetic`, for load: no truth to compare with)
// or an EmoDB call when ../shared is beside the repo (`--emodb`). Each source tells the simulator
// what to send and tells the console, per call, what a listener hears. I/O: reads assets/, writes
// the EmoDB call as a WAV into the demo's temp folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeWav } from '../../../pipelines/audio/wav.ts';
import type { CustomerSegment, DemoCallsFile } from '../demo-calls/calls-file.ts';
import { emodbAvailable, emodbCall } from '../../../devkit/audio/stereo-call.ts';
import { REPO_ROOT } from '../../../devkit/pipeline/harness.ts';

export const NEMO_CALLS_DIR = resolve(REPO_ROOT, 'assets/nemo-calls');

export interface DemoCallTruth {
  /** Shown on the console instead of the call id. */
  name: string;
  /** What a listener hears, in words. */
  description: string;
  /** The customer's state per span of audio time, as a listener hears it. */
  segments: CustomerSegment[];
  /** When the customer actually speaks ([startMs, endMs] per clip), when known. */
  customerSpeech: [number, number][] | null;
}

export interface DemoSource {
  /** One line for the console. */
  label: string;
  /** The simulator's `--audio` (file or folder); undefined = its own synthetic voices. */
  audioPath: string | undefined;
  calls: number;
  /** What a listener hears in the call the simulator streams as number `index`, when known. */
  truth(index: number): DemoCallTruth | null;
}

export type DemoSourceKind = 'nemo' | 'synthetic' | 'emodb';

function nemoSource(calls: number | undefined): DemoSource {
  const file = JSON.parse(readFileSync(join(NEMO_CALLS_DIR, 'calls.json'), 'utf8')) as DemoCallsFile;
  // The simulator cycles a folder's WAV files in sorted order: list the truth in the same order.
  const shipped = [...file.calls].sort((a, b) => a.file.localeCompare(b.file));
  return {
    label: `${shipped.length} recorded calls from nEMO (real speech, ${file.licence}; assets/nemo-calls)`,
    audioPath: NEMO_CALLS_DIR,
    calls: calls ?? shipped.length,
    truth: (index) => {
      const call = shipped[index % shipped.length];
      const customerSpeech = call.clips
        .filter((clip) => clip.channel === 'customer')
        .map((clip): [number, number] => [clip.startMs, clip.endMs]);
      return {
        name: call.id,
        description: call.description,
        segments: call.customerSegments,
        customerSpeech,
      };
    },
  };
}

function emodbSource(calls: number | undefined, workDir: string): DemoSource {
  if (!emodbAvailable()) throw new Error('--emodb: EmoDB not found (../shared/data/emodb or EMODB_DIR)');
  const call = emodbCall({ neutralCount: 8, angryCount: 8 });
  const audioPath = join(workDir, 'emodb-call.wav');
  writeFileSync(
    audioPath,
    encodeWav({ sampleRateHz: call.sampleRateHz, channels: [call.agent, call.customer] }),
  );
  const endMs = Math.round((call.customer.length / call.sampleRateHz) * 1000);
  const angryFromMs = call.angryFromMs ?? endMs;
  return {
    label: 'EmoDB (acted German speech: customer neutral, then angry)',
    audioPath,
    calls: calls ?? 3,
    truth: (index) => ({
      name: `emodb-${index}`,
      description: 'EmoDB speaker 03 neutral, then angry; agent EmoDB speaker 08 neutral',
      segments: [
        { label: 'neutral', startMs: 0, endMs: angryFromMs },
        { label: 'angry', startMs: angryFromMs, endMs },
      ],
      customerSpeech: null,
    }),
  };
}

export function demoSource(kind: DemoSourceKind, calls: number | undefined, workDir: string): DemoSource {
  if (kind === 'emodb') return emodbSource(calls, workDir);
  if (kind === 'synthetic') {
    return {
      label: 'synthetic source-filter voices (devkit/audio/synthetic-voices.ts; for load, not for emotions)',
      audioPath: undefined,
      calls: calls ?? 3,
      truth: () => null,
    };
  }
  return nemoSource(calls);
}

// Aligns one channel's incoming audio records to the analyzer's sample clock: drops audio already
// pushed (replays, duplicate records), pads short gaps with encoded silence, rejects time jumps.
// Pure, no I/O; the silence buffer is allocated once per channel, not per record.
import { CodedError } from '../../pipelines/errors.ts';
import type { AudioFormat } from '../../pipelines/dsp/types.ts';

export class AudioTimeError extends CodedError<'AUDIO_TIME_JUMP'> {
  constructor(message: string) {
    super('AUDIO_TIME_JUMP', message);
  }
}

export function bytesPerSample(format: AudioFormat): number {
  switch (format.codec) {
    case 'linear16':
      return 2;
    case 'float32':
      return 4;
    default:
      return 1;
  }
}

/** The codec's encoding of digital silence (ITU-T G.711: µ-law 0xFF, A-law 0xD5; PCM zeros). */
function silenceByte(format: AudioFormat): number {
  if (format.codec === 'pcmu') return 0xff;
  if (format.codec === 'pcma') return 0xd5;
  return 0;
}

export function msToSamples(ms: number, format: AudioFormat): number {
  return Math.round((ms * format.sampleRateHz) / 1000);
}

export interface AlignedPiece {
  /** Silence to push before `audio` (a view on a shared buffer: push it before the next call). */
  readonly silence: readonly Uint8Array[];
  readonly audio: Uint8Array;
}

const EMPTY = new Uint8Array(0);
/** No silence before a record (nearly every record): one frozen list, not a new one per record. */
const NO_SILENCE: readonly Uint8Array[] = Object.freeze([]);

export class ChannelCursor {
  readonly format: AudioFormat;
  /** Next sample index (since call start) the analyzer expects on this channel. */
  nextSample: number;
  private readonly bytesPerSample: number;
  private readonly maxGapSamples: number;
  private readonly silenceChunk: Uint8Array;

  constructor(format: AudioFormat, startSample: number, maxGapMs: number) {
    this.format = format;
    this.nextSample = startSample;
    this.bytesPerSample = bytesPerSample(format);
    this.maxGapSamples = msToSamples(maxGapMs, format);
    // 100 ms of silence, reused: gaps are pushed in pieces of this size.
    this.silenceChunk = new Uint8Array(msToSamples(100, format) * this.bytesPerSample).fill(
      silenceByte(format),
    );
  }

  /**
   * Returns what to push for a record whose first sample is at `startMs`, or null when all of it
   * was pushed already. Throws AudioTimeError when the record jumps further ahead than allowed.
   */
  align(startMs: number, payload: Uint8Array): AlignedPiece | null {
    if (payload.byteLength % this.bytesPerSample !== 0) {
      throw new AudioTimeError(`payload of ${payload.byteLength} bytes is not whole samples`);
    }
    const start = msToSamples(startMs, this.format);
    const count = payload.byteLength / this.bytesPerSample;
    if (start + count <= this.nextSample) return null;
    let silence = NO_SILENCE;
    let audio = payload;
    if (start < this.nextSample) {
      audio = payload.subarray((this.nextSample - start) * this.bytesPerSample);
    } else if (start > this.nextSample) {
      const gap = start - this.nextSample;
      if (gap > this.maxGapSamples) {
        throw new AudioTimeError(
          `audio jumps ${Math.round((gap * 1000) / this.format.sampleRateHz)} ms ahead`,
        );
      }
      const pieces: Uint8Array[] = [];
      let left = gap * this.bytesPerSample;
      while (left > 0) {
        const size = Math.min(left, this.silenceChunk.byteLength);
        pieces.push(this.silenceChunk.subarray(0, size));
        left -= size;
      }
      silence = pieces;
    }
    this.nextSample = start + count;
    return { silence, audio: audio.byteLength > 0 ? audio : EMPTY };
  }

  /** Audio time (ms since call start) just after the last pushed sample. */
  get endMs(): number {
    return (this.nextSample * 1000) / this.format.sampleRateHz;
  }
}

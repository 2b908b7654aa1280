// RIFF/WAVE reader: walks the chunk list (fmt, fact, LIST, data… in any order, odd sizes padded to
// even per the RIFF spec), reads WAVE_FORMAT_EXTENSIBLE, and decodes PCM 8/16/24/32-bit, IEEE
// float 32/64, µ-law and A-law (G.711 tables of pipelines/dsp/codecs.ts) into one Float32Array per
// channel in [-1, 1]. Pure, no I/O.
import { ALAW_TABLE, MULAW_TABLE } from '../dsp/codecs.ts';
import { WavError } from './wav-error.ts';
import {
  SUBTYPE_GUID_TAIL,
  WAVE_FORMAT_ALAW,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_IEEE_FLOAT,
  WAVE_FORMAT_MULAW,
  WAVE_FORMAT_PCM,
  encodingOf,
  fourcc,
} from './wav-format.ts';
import type { WavEncoding } from './wav-format.ts';

export interface WavAudio {
  sampleRateHz: number;
  /** One array per channel (interleaving undone), samples in [-1, 1]. */
  channels: Float32Array[];
  encoding: WavEncoding;
  /** Bits per sample the file declares as meaningful (wValidBitsPerSample, else wBitsPerSample). */
  validBits: number;
  /** Seconds of audio the data chunk declares but the file lacks (a cut recording, `acceptCut`); else 0. */
  missingS: number;
}

export interface ParseWavOptions {
  /**
   * Decode what a cut recording holds (a data chunk declaring more bytes than follow: a recorder
   * that stopped before fixing its header) instead of refusing it TRUNCATED. The `analyze`
   * command wants the audio and says what was missing; training data is refused when cut.
   */
  acceptCut?: boolean;
}

interface FmtInfo {
  formatTag: number;
  channelCount: number;
  sampleRateHz: number;
  blockAlign: number;
  bitsPerSample: number;
  validBits: number;
}

/** `size` field of a data chunk written by streaming recorders before the length was known. */
const UNKNOWN_SIZE = 0xffffffff;
const KNOWN_TAGS = new Set([WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_ALAW, WAVE_FORMAT_MULAW]);

export function parseWav(bytes: Uint8Array, options: ParseWavOptions = {}): WavAudio {
  // A short file that does not even begin as RIFF is not a WAV (a text file), not a cut one.
  const riff =
    bytes.length >= 4 ? fourcc(bytes, 0) === 'RIFF' : 'RIFF'.startsWith(String.fromCharCode(...bytes));
  if (!riff) throw new WavError('NOT_RIFF', 'the file does not start with "RIFF"');
  if (bytes.length < 12)
    throw new WavError('TRUNCATED', `${bytes.length} bytes is too short for a RIFF header`);
  if (fourcc(bytes, 8) !== 'WAVE')
    throw new WavError('NOT_WAVE', `RIFF form type is "${fourcc(bytes, 8)}", not "WAVE"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let fmt: FmtInfo | undefined;
  let data: { start: number; length: number } | undefined;
  let missingBytes = 0;
  // The RIFF size field is often wrong in the wild; walk to the end of the bytes instead.
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = fourcc(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    const available = bytes.length - body;
    if (id === 'data') {
      if (data) break; // a second data chunk is not standard WAVE: keep the first
      if (size === UNKNOWN_SIZE) {
        data = { start: body, length: available };
        break;
      }
      if (size > available && !options.acceptCut) {
        throw new WavError('TRUNCATED', `data chunk declares ${size} bytes but only ${available} follow`);
      }
      if (size > available) {
        missingBytes = size - available;
        data = { start: body, length: available };
        break;
      }
      data = { start: body, length: size };
    } else if (size > available) {
      // A truncated trailing chunk (metadata after the audio) does not hurt the audio.
      if (id === 'fmt ' || !data)
        throw new WavError('TRUNCATED', `"${id}" chunk declares ${size} bytes, ${available} follow`);
      break;
    } else if (id === 'fmt ') {
      fmt = readFmt(view, body, size);
    }
    offset = body + size + (size & 1);
  }
  if (!fmt) throw new WavError('NO_FMT_CHUNK', 'no "fmt " chunk before the end of the file');
  if (!data) throw new WavError('NO_DATA_CHUNK', 'no "data" chunk before the end of the file');

  const containerBytes = fmt.blockAlign / fmt.channelCount;
  const encoding = encodingOf(fmt.formatTag, containerBytes);
  if (!encoding) {
    throw new WavError(
      'UNSUPPORTED_ENCODING',
      `format tag 0x${fmt.formatTag.toString(16)} with ${containerBytes * 8}-bit samples is not supported`,
    );
  }
  return {
    sampleRateHz: fmt.sampleRateHz,
    channels: decode(view, data.start, data.length, fmt.channelCount, containerBytes, encoding),
    encoding,
    validBits: fmt.validBits,
    missingS: missingBytes / (fmt.blockAlign * fmt.sampleRateHz),
  };
}

function readFmt(view: DataView, at: number, size: number): FmtInfo {
  if (size < 16) throw new WavError('BAD_FMT_CHUNK', `"fmt " chunk is ${size} bytes, at least 16 needed`);
  let formatTag = view.getUint16(at, true);
  const channelCount = view.getUint16(at + 2, true);
  const sampleRateHz = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  let validBits = bitsPerSample;
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40)
      throw new WavError('BAD_FMT_CHUNK', `WAVE_FORMAT_EXTENSIBLE "fmt " chunk is ${size} bytes, 40 needed`);
    validBits = view.getUint16(at + 18, true) || bitsPerSample;
    // SubFormat GUID: its first two bytes are the real format tag, the rest a fixed suffix.
    formatTag = view.getUint16(at + 24, true);
    for (let i = 0; i < SUBTYPE_GUID_TAIL.length; i++) {
      if (view.getUint8(at + 26 + i) !== SUBTYPE_GUID_TAIL[i]) {
        throw new WavError(
          'UNSUPPORTED_ENCODING',
          'WAVE_FORMAT_EXTENSIBLE with a non-standard SubFormat GUID',
        );
      }
    }
  }
  if (!KNOWN_TAGS.has(formatTag)) {
    throw new WavError(
      'UNSUPPORTED_ENCODING',
      `format tag 0x${formatTag.toString(16)} (compressed audio?) is not supported`,
    );
  }
  if (channelCount === 0) throw new WavError('BAD_FMT_CHUNK', 'zero channels');
  if (sampleRateHz === 0) throw new WavError('BAD_FMT_CHUNK', 'zero sample rate');
  if (blockAlign === 0 || blockAlign % channelCount !== 0) {
    throw new WavError('BAD_FMT_CHUNK', `block align ${blockAlign} does not fit ${channelCount} channels`);
  }
  if (bitsPerSample === 0 || bitsPerSample > (blockAlign / channelCount) * 8) {
    throw new WavError(
      'BAD_FMT_CHUNK',
      `${bitsPerSample} bits per sample do not fit block align ${blockAlign}`,
    );
  }
  return { formatTag, channelCount, sampleRateHz, blockAlign, bitsPerSample, validBits };
}

function decode(
  view: DataView,
  start: number,
  length: number,
  channelCount: number,
  bytesPerSample: number,
  encoding: WavEncoding,
): Float32Array[] {
  const blockAlign = bytesPerSample * channelCount;
  // An incomplete last frame (a cut recording) is dropped rather than rejected.
  const frames = Math.floor(length / blockAlign);
  const channels: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) channels.push(new Float32Array(frames));
  const read = sampleReader(view, encoding);
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c];
    let pos = start + c * bytesPerSample;
    for (let i = 0; i < frames; i++, pos += blockAlign) out[i] = read(pos);
  }
  return channels;
}

function sampleReader(view: DataView, encoding: WavEncoding): (pos: number) => number {
  switch (encoding) {
    case 'pcm8': // unsigned, 128 = zero
      return (pos) => (view.getUint8(pos) - 128) / 128;
    case 'pcm16':
      return (pos) => view.getInt16(pos, true) / 32768;
    case 'pcm24':
      return (pos) => ((view.getInt8(pos + 2) << 16) | view.getUint16(pos, true)) / 8388608;
    case 'pcm32':
      return (pos) => view.getInt32(pos, true) / 2147483648;
    case 'float32':
      return (pos) => view.getFloat32(pos, true);
    case 'float64':
      return (pos) => view.getFloat64(pos, true);
    case 'mulaw':
      return (pos) => MULAW_TABLE[view.getUint8(pos)];
    case 'alaw':
      return (pos) => ALAW_TABLE[view.getUint8(pos)];
  }
}

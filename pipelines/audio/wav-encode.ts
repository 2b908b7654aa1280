// RIFF/WAVE writer: interleaves Float32 channels into one of the supported sample encodings, with
// a plain or WAVE_FORMAT_EXTENSIBLE `fmt ` chunk (plus `fact` for non-PCM, as the spec asks); G.711
// encoders from pipelines/dsp/codecs.ts. Pure, no I/O: returns the file's bytes.
import { linearToALaw, linearToMuLaw } from '../dsp/codecs.ts';
import { WavError } from './wav-error.ts';
import { ENCODINGS, SUBTYPE_GUID_TAIL, WAVE_FORMAT_EXTENSIBLE, WAVE_FORMAT_PCM } from './wav-format.ts';
import type { WavEncoding } from './wav-format.ts';

export interface EncodeWavInput {
  sampleRateHz: number;
  channels: Float32Array[];
}

export interface EncodeWavOptions {
  /** Write a WAVE_FORMAT_EXTENSIBLE `fmt ` chunk (default: only when more than 2 channels). */
  extensible?: boolean;
}

export function encodeWav(
  audio: EncodeWavInput,
  encoding: WavEncoding = 'pcm16',
  options: EncodeWavOptions = {},
): Uint8Array {
  const { sampleRateHz, channels } = audio;
  const info = ENCODINGS[encoding];
  if (!info) throw new WavError('INVALID_ARGUMENT', `unknown encoding "${String(encoding)}"`);
  if (!Number.isInteger(sampleRateHz) || sampleRateHz <= 0 || sampleRateHz > 0xffffffff) {
    throw new WavError('INVALID_ARGUMENT', `sample rate must be a positive integer, got ${sampleRateHz}`);
  }
  if (channels.length === 0 || channels.length > 0xffff) {
    throw new WavError('INVALID_ARGUMENT', `channel count must be 1..65535, got ${channels.length}`);
  }
  const frames = channels[0].length;
  if (channels.some((ch) => ch.length !== frames)) {
    throw new WavError('INVALID_ARGUMENT', 'all channels must have the same length');
  }
  const extensible = options.extensible ?? channels.length > 2;
  const pcm = info.formatTag === WAVE_FORMAT_PCM;
  const fmtSize = extensible ? 40 : pcm ? 16 : 18;
  const blockAlign = info.bytesPerSample * channels.length;
  const dataSize = frames * blockAlign;
  const factSize = pcm ? 0 : 12;
  const total = 12 + 8 + fmtSize + factSize + 8 + dataSize + (dataSize & 1);
  if (total - 8 > 0xffffffff) throw new WavError('INVALID_ARGUMENT', 'audio too long for a RIFF file');

  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let p = 0;
  const tag = (s: string) => {
    for (let i = 0; i < 4; i++) bytes[p + i] = s.charCodeAt(i);
    p += 4;
  };
  const u16 = (v: number) => {
    view.setUint16(p, v, true);
    p += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(p, v, true);
    p += 4;
  };
  tag('RIFF');
  u32(total - 8);
  tag('WAVE');
  tag('fmt ');
  u32(fmtSize);
  u16(extensible ? WAVE_FORMAT_EXTENSIBLE : info.formatTag);
  u16(channels.length);
  u32(sampleRateHz);
  u32(sampleRateHz * blockAlign);
  u16(blockAlign);
  u16(info.bytesPerSample * 8);
  if (extensible) {
    u16(22); // cbSize
    u16(info.bytesPerSample * 8); // wValidBitsPerSample
    u32(0); // dwChannelMask: no speaker positions claimed
    u16(info.formatTag);
    bytes.set(SUBTYPE_GUID_TAIL, p);
    p += SUBTYPE_GUID_TAIL.length;
  } else if (!pcm) {
    u16(0); // cbSize
  }
  if (!pcm) {
    tag('fact');
    u32(4);
    u32(frames);
  }
  tag('data');
  u32(dataSize);
  const write = sampleWriter(view, encoding);
  for (let c = 0; c < channels.length; c++) {
    const ch = channels[c];
    let pos = p + c * info.bytesPerSample;
    for (let i = 0; i < frames; i++, pos += blockAlign) write(pos, ch[i]);
  }
  return bytes;
}

/** Clamp to [-1, 1] (NaN -> 0) and scale to a signed integer of `full` = 2^(bits-1). */
function quantize(x: number, full: number): number {
  const v = Number.isNaN(x) ? 0 : Math.round(x * full);
  return v >= full ? full - 1 : v < -full ? -full : v;
}

function sampleWriter(view: DataView, encoding: WavEncoding): (pos: number, x: number) => void {
  switch (encoding) {
    case 'pcm8':
      return (pos, x) => view.setUint8(pos, quantize(x, 128) + 128);
    case 'pcm16':
      return (pos, x) => view.setInt16(pos, quantize(x, 32768), true);
    case 'pcm24':
      return (pos, x) => {
        const v = quantize(x, 8388608);
        view.setUint16(pos, v & 0xffff, true);
        view.setInt8(pos + 2, v >> 16);
      };
    case 'pcm32':
      return (pos, x) => view.setInt32(pos, quantize(x, 2147483648), true);
    case 'float32':
      return (pos, x) => view.setFloat32(pos, x, true);
    case 'float64':
      return (pos, x) => view.setFloat64(pos, x, true);
    case 'mulaw':
      return (pos, x) => view.setUint8(pos, linearToMuLaw(quantize(x, 32768)));
    case 'alaw':
      return (pos, x) => view.setUint8(pos, linearToALaw(quantize(x, 32768)));
  }
}

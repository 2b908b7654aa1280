// WAV sample encodings: the format tags and sample widths of the RIFF/WAVE `fmt ` chunk that the
// reader and writer share. Pure, no I/O. Tags from Microsoft's mmreg.h (WAVE_FORMAT_*).

export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'mulaw' | 'alaw';

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_ALAW = 0x0006;
export const WAVE_FORMAT_MULAW = 0x0007;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID (…-0000-0010-8000-00aa00389b71). */
export const SUBTYPE_GUID_TAIL = Uint8Array.of(
  0x00,
  0x00,
  0x00,
  0x00,
  0x10,
  0x00,
  0x80,
  0x00,
  0x00,
  0xaa,
  0x00,
  0x38,
  0x9b,
  0x71,
);

export interface EncodingInfo {
  formatTag: number;
  bytesPerSample: number;
}

export const ENCODINGS: Record<WavEncoding, EncodingInfo> = {
  pcm8: { formatTag: WAVE_FORMAT_PCM, bytesPerSample: 1 },
  pcm16: { formatTag: WAVE_FORMAT_PCM, bytesPerSample: 2 },
  pcm24: { formatTag: WAVE_FORMAT_PCM, bytesPerSample: 3 },
  pcm32: { formatTag: WAVE_FORMAT_PCM, bytesPerSample: 4 },
  float32: { formatTag: WAVE_FORMAT_IEEE_FLOAT, bytesPerSample: 4 },
  float64: { formatTag: WAVE_FORMAT_IEEE_FLOAT, bytesPerSample: 8 },
  mulaw: { formatTag: WAVE_FORMAT_MULAW, bytesPerSample: 1 },
  alaw: { formatTag: WAVE_FORMAT_ALAW, bytesPerSample: 1 },
};

/** The encoding of a format tag and container sample width, or undefined when not supported. */
export function encodingOf(formatTag: number, bytesPerSample: number): WavEncoding | undefined {
  for (const [name, info] of Object.entries(ENCODINGS)) {
    if (info.formatTag === formatTag && info.bytesPerSample === bytesPerSample) return name as WavEncoding;
  }
  return undefined;
}

export function fourcc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
}

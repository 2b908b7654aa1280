// Public entry of the WAV codec: parseWav (RIFF chunk walking, every common sample encoding) and
// encodeWav, with the typed WavError. Pure, no I/O: callers read and write the bytes.
export { parseWav } from './wav-parse.ts';
export type { WavAudio } from './wav-parse.ts';
export { encodeWav } from './wav-encode.ts';
export type { EncodeWavInput, EncodeWavOptions } from './wav-encode.ts';
export { WavError } from './wav-error.ts';
export type { WavErrorCode } from './wav-error.ts';
export type { WavEncoding } from './wav-format.ts';

// Public entry of pipelines/dsp: streaming per-speaker features (pace, pitch, loudness, voice
// quality, tension) and two-speaker dynamics from telephone audio. Pure, no I/O.

export { createChannelAnalyzer, type ChannelAnalyzer } from './channel-analyzer.ts';
export { createCallAnalyzer, type CallAnalyzer, type CallOutput, type CallOptions } from './call-analyzer.ts';
export { FUNCTIONAL_NAMES } from './functionals.ts';
export { toTelephoneBand } from './telephone.ts';
export { resample } from './resample.ts';
export { encodeMuLaw, decodeMuLaw, encodeALaw, decodeALaw, encodeLinear16, encodeFloat32 } from './codecs.ts';
export { DspError, type DspErrorCode } from './errors.ts';
export type { ChannelOptions } from './options.ts';
export type * from './types.ts';

// Splits the payload of an interleaved frame (every channel of the call, sample by sample, as in
// a stereo WAV) into one payload per channel. Pure; one buffer per frame, the channels are views
// of it (the batcher keeps them until its chunk is sent, so they cannot share a scratch buffer).

/** Channel c's samples of `payload` (`channels` interleaved, `sampleBytes` bytes each). */
export function deinterleave(payload: Uint8Array, channels: number, sampleBytes: number): Uint8Array[] {
  const out = Buffer.allocUnsafe(payload.byteLength);
  const perChannel = payload.byteLength / channels;
  const stride = channels * sampleBytes;
  const views: Uint8Array[] = [];
  for (let c = 0; c < channels; c += 1) {
    let at = c * perChannel;
    for (let i = c * sampleBytes; i < payload.byteLength; i += stride) {
      for (let b = 0; b < sampleBytes; b += 1) out[at++] = payload[i + b];
    }
    views.push(out.subarray(c * perChannel, (c + 1) * perChannel));
  }
  return views;
}

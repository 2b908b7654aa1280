// One stereo µ-law frame as an AudioHook client sends it: the two channels' samples interleaved in
// the order the media offer lists them (external = customer first, internal = agent; Genesys
// AudioHook protocol specification, "Audio frames"), padded with µ-law silence (0xff) past the end
// of either channel. Shared by the load client and the adapter tests. Pure.

/** Frame `k` of `samplesPerFrame` samples per channel. */
export function stereoPcmuFrame(
  customer: Uint8Array,
  agent: Uint8Array,
  samplesPerFrame: number,
  k: number,
): Buffer {
  const frame = Buffer.alloc(samplesPerFrame * 2, 0xff);
  for (let i = 0; i < samplesPerFrame; i += 1) {
    const at = k * samplesPerFrame + i;
    if (at < customer.length) frame[2 * i] = customer[at];
    if (at < agent.length) frame[2 * i + 1] = agent[at];
  }
  return frame;
}

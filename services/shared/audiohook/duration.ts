// AudioHook stream positions: the protocol's only audio rate and samples written as an ISO 8601
// duration (Genesys Cloud AudioHook protocol specification, "Message structure": `position`).
// Shared by the gateway (which reads positions) and the load client (which writes them). Pure.

export const AUDIOHOOK_RATE_HZ = 8000;

/** Samples as an AudioHook duration, exact to the sample (1/8000 s has at most 6 decimals). */
export function samplesDuration(samples: number): string {
  return `PT${Number((samples / AUDIOHOOK_RATE_HZ).toFixed(6))}S`;
}

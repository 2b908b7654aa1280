// Builds a two-speaker test call from EmoDB utterances at test time (the data is not committed):
// customer = neutral utterances then angry ones of one speaker, agent = neutral utterances of
// another, each channel telephone band (8 kHz G.711 µ-law via pipelines/dsp). Reads EmoDB.
import { encodeWav } from '../../../pipelines/audio/wav.ts';
import { decodeMuLaw, toTelephoneBand } from '../../../pipelines/dsp/index.ts';
import { readEmodbSamples } from '../../../devkit/audio/emodb.ts';
import type { EmodbItem } from '../../../devkit/audio/emodb.ts';

export interface EmodbCall {
  wav: Uint8Array;
  /** Audio time where the customer turns from neutral to angry. */
  changeMs: number;
  customerSpeaker: string;
  agentSpeaker: string;
  durationMs: number;
}

const RATE_HZ = 8000;
/** EmoDB 2-s files: one utterance per 2 s, zero-padded when shorter. */
const UTTERANCE_MS = 2000;

function telephone(items: readonly EmodbItem[]): Float32Array {
  const parts = items.map((item) => {
    const { samples, sampleRateHz } = readEmodbSamples(item);
    return decodeMuLaw(toTelephoneBand(samples, sampleRateHz, 'pcmu'));
  });
  const out = new Float32Array((parts.length * (RATE_HZ * UTTERANCE_MS)) / 1000);
  parts.forEach((p, i) =>
    out.set(p.subarray(0, (RATE_HZ * UTTERANCE_MS) / 1000), (i * RATE_HZ * UTTERANCE_MS) / 1000),
  );
  return out;
}

/**
 * The first speaker (by code) with at least `perPart` neutral and angry utterances is the
 * customer; the next speaker with at least `perPart` neutral ones is the agent, whose utterances
 * repeat in turn to cover the call (no speaker has 2 × 8 neutral ones).
 */
export function buildEmodbCall(items: readonly EmodbItem[], perPart: number): EmodbCall {
  const of = (speaker: string, code: EmodbItem['code']) =>
    items.filter((i) => i.speaker === speaker && i.code === code).sort((a, b) => (a.id < b.id ? -1 : 1));
  const speakers = [...new Set(items.map((i) => i.speaker))].sort();
  const customerSpeaker = speakers.find((s) => of(s, 'N').length >= perPart && of(s, 'W').length >= perPart);
  const agentSpeaker = speakers.find((s) => s !== customerSpeaker && of(s, 'N').length >= perPart);
  if (!customerSpeaker || !agentSpeaker)
    throw new Error(`EmoDB has no two speakers with ${perPart} utterances`);
  const customer = telephone([
    ...of(customerSpeaker, 'N').slice(0, perPart),
    ...of(customerSpeaker, 'W').slice(0, perPart),
  ]);
  const agentItems = of(agentSpeaker, 'N');
  const agent = telephone(Array.from({ length: 2 * perPart }, (_, i) => agentItems[i % agentItems.length]));
  return {
    wav: encodeWav({ sampleRateHz: RATE_HZ, channels: [agent, customer] }, 'mulaw'),
    changeMs: perPart * UTTERANCE_MS,
    customerSpeaker,
    agentSpeaker,
    durationMs: 2 * perPart * UTTERANCE_MS,
  };
}

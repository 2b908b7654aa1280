// A customer who waits quietly on a live line, for measuring the one-way-line watch's false
// faults (pipelines/dsp/line-watch.ts, `npm run eval:line`): the agent's own speech from the call
// cut into utterances and inserted at `atS` with pauses between ("one moment, let me check" and a
// lookup; or reading terms aloud, breath pauses only), while the customer's channel carries her
// room's noise (or digital silence: a handset that sends none). Deterministic (seeded); pure, no I/O.
import { gauss, rng } from './test-signals.ts';

export interface AgentTurns {
  /** Seconds of the agent's speech per utterance, and the pause after each. */
  talkS: number;
  pauseS: number;
  count: number;
}

const BLOCK_S = 0.1;

/** 100-ms blocks where the agent speaks (> -35 dBFS) and the customer does not (< -50 dBFS). */
function agentOnlyBlocks(agent: Float32Array, customer: Float32Array, rate: number): number[] {
  const n = Math.round(BLOCK_S * rate);
  const db = (x: Float32Array, from: number) => {
    let e = 0;
    for (let i = from; i < from + n; i++) e += x[i] ** 2;
    return 10 * Math.log10(e / n + 1e-12);
  };
  const out: number[] = [];
  for (let b = 0; (b + 1) * n <= agent.length; b++)
    if (db(agent, b * n) > -35 && db(customer, b * n) < -50) out.push(b);
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The call with `turns` of the agent inserted at `atS`; the customer's channel there carries white
 * noise at `roomDbfs` (null: digital silence).
 */
export function withWaitingCustomer(
  audio: { agent: Float32Array; customer: Float32Array },
  rate: number,
  atS: number,
  turns: AgentTurns,
  roomDbfs: number | null,
  seed = 5,
): { agent: Float32Array; customer: Float32Array } {
  const n = Math.round(BLOCK_S * rate);
  const blocks = agentOnlyBlocks(audio.agent, audio.customer, rate);
  const perTurn = Math.round(turns.talkS / BLOCK_S);
  const rand = rng(seed);
  const amp = roomDbfs === null ? 0 : 10 ** (roomDbfs / 20);
  const room = (len: number) => Float32Array.from({ length: len }, () => amp * gauss(rand));
  const agentParts: Float32Array[] = [];
  const customerParts: Float32Array[] = [];
  for (let k = 0; k < turns.count; k++) {
    const speech = new Float32Array(perTurn * n);
    for (let j = 0; j < perTurn; j++) {
      const b = blocks[(k * perTurn + j) % blocks.length];
      speech.set(audio.agent.subarray(b * n, b * n + n), j * n);
    }
    const pause = Math.round(turns.pauseS * rate);
    // The agent's own line is as quiet as hers while she looks something up.
    agentParts.push(speech, room(pause));
    customerParts.push(room(speech.length), room(pause));
  }
  const cut = Math.round(atS * rate);
  return {
    agent: concat([audio.agent.subarray(0, cut), ...agentParts, audio.agent.subarray(cut)]),
    customer: concat([audio.customer.subarray(0, cut), ...customerParts, audio.customer.subarray(cut)]),
  };
}

// Test helper: generated surveyed calls with a known planted effect. Each call's customer is angry
// for a drawn number of seconds (stored through the real write path and summarised by the real
// scorecard); CSAT and NPS fall with that anger by `effect` plus noise (effect 0: pure noise). The
// agent's pace, tension and response latency are drawn per call at random, independently of the
// answers, so the report has varying measures that must show no association.
import { createRng } from '../../../pipelines/emotion/train/rng.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';

export interface PlantedSurvey {
  callId: string;
  csat: number;
  nps: number;
}

/** Writes and summarises `n` calls of 60 s in `tenant`; returns their planted anger (s) by call. */
export async function writeSurveyCalls(store: CallStore, tenant: string, n: number, seed = 1) {
  const rng = createRng(seed);
  const angerS = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const callId = `survey-${i}`;
    const anger = rng.next() < 0.25 ? 0 : Math.floor(rng.next() * 46);
    angerS.set(callId, anger);
    const call = syntheticStoreCall({
      callId,
      tenant,
      team: i % 2 === 0 ? 'north' : 'south',
      agentId: `agent-${i % 4}`,
      startedAt: new Date(Date.UTC(2026, 10, 20, 9, 0, i)),
      durationS: 60,
      ...(anger > 0 ? { angryFromS: 10, angryToS: 10 + anger } : {}),
      seed: seed * 1000 + i,
    });
    const paceShift = rng.next() * 2.5;
    const tensionShift = rng.next() * 0.2;
    const latencyMs = 300 + rng.next() * 1500;
    const events = syntheticEvents(call).map((event) =>
      event.kind === 'features' && event.channel === 'agent'
        ? {
            ...event,
            pace: { ...event.pace, syllableRate: (event.pace.syllableRate ?? 0) + paceShift },
            tensionIndex: Math.min(1, (event.tensionIndex ?? 0) + tensionShift),
          }
        : event.kind === 'dynamics'
          ? { ...event, agentResponseLatencyMs: [latencyMs, latencyMs + 200] }
          : event,
    );
    await store.write(events);
  }
  while ((await store.finalizePending(0)) > 0);
  return angerS;
}

/** Survey answers: CSAT 1..5 and NPS 0..10 falling with the planted anger by `effect` (0 = noise). */
export function plantedSurveys(angerS: Map<string, number>, effect: number, seed = 2): PlantedSurvey[] {
  const rng = createRng(seed);
  return [...angerS].map(([callId, anger]) => {
    const latent = -effect * ((anger - 17) / 15) + rng.normal();
    return {
      callId,
      csat: Math.min(5, Math.max(1, Math.round(3.5 + latent))),
      nps: Math.min(10, Math.max(0, Math.round(7 + 2 * latent))),
    };
  });
}

export function surveyCsv(rows: readonly PlantedSurvey[]): string {
  return ['call_id,csat,nps', ...rows.map((r) => `${r.callId},${r.csat},${r.nps}`)].join('\r\n');
}

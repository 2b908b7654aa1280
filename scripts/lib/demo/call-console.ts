// The demo's console: per call, the customer's state each time it changes (with what a listener
// hears at that moment, when the source knows) and every alert; at the end, per call and per span
// a listener hears, the states the product showed and the alerts it raised. The state shown is
// the wallboard's (pipelines/emotion/shown-state.ts): a confident class, else "tense" when high
// arousal is confident, else "uncertain". Pure: output goes through `say`.
import { shownState } from '../../../pipelines/emotion/shown-state.ts';
import type { AlertEventRecord, EmotionEventRecord } from '../../../services/shared/records.ts';
import type { DemoCallTruth } from './sources.ts';

interface CallView {
  name: string;
  truth: DemoCallTruth | null;
  /** Last customer state printed. */
  shown: string | null;
  /** Customer events: centre of the window in audio time, and the state. */
  states: { atMs: number; state: string }[];
  alerts: AlertEventRecord[];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

function heardAt(truth: DemoCallTruth | null, atMs: number): string | null {
  const label = truth?.segments.find((s) => atMs >= s.startMs && atMs < s.endMs)?.label ?? null;
  // Within a span the customer also pauses while the agent talks: say so rather than the span's label.
  if (label && truth?.customerSpeech && !truth.customerSpeech.some(([from, to]) => atMs >= from && atMs < to))
    return `${label} span, customer silent`;
  return label;
}

/** Shares of the states shown while the customer speaks; silent windows (no-speech) counted apart. */
function shares(states: string[]): string {
  const spoken = states.filter((state) => state !== 'no-speech');
  const silent = states.length - spoken.length;
  if (spoken.length === 0) return `no customer speech windows (${silent} silent)`;
  const counts = new Map<string, number>();
  for (const state of spoken) counts.set(state, (counts.get(state) ?? 0) + 1);
  const parts = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([state, n]) => `${state} ${Math.round((100 * n) / spoken.length)}%`)
    .join(', ');
  return `${parts} of ${spoken.length} speech windows (+${silent} no-speech)`;
}

export interface CallConsole {
  emotion(event: EmotionEventRecord): void;
  alert(alert: AlertEventRecord): void;
  /** Per call: each span a listener hears against what the product showed, and the alerts. */
  summary(): string[];
}

export function createCallConsole(options: {
  /** The simulator's call number in a call id (`<prefix>-<n>`), its truth when known. */
  truth: (index: number) => DemoCallTruth | null;
  say: (line: string) => void;
}): CallConsole {
  const calls = new Map<string, CallView>();
  const view = (callId: string): CallView => {
    let call = calls.get(callId);
    if (!call) {
      const index = Number(callId.slice(callId.lastIndexOf('-') + 1));
      const truth = Number.isInteger(index) ? options.truth(index) : null;
      call = { name: truth?.name ?? callId, truth, shown: null, states: [], alerts: [] };
      calls.set(callId, call);
    }
    return call;
  };

  return {
    emotion(event) {
      // The agent is calm by construction; the customer's arc is what the demo is about.
      if (event.channel !== 'customer') return;
      const call = view(event.callId);
      const atMs = (event.startMs + event.endMs) / 2;
      const state = shownState(event.state, event.arousal);
      call.states.push({ atMs, state });
      if (state === call.shown) return;
      call.shown = state;
      const heard = heardAt(call.truth, atMs);
      const evidence = event.evidence.slice(0, 2).join('; ');
      options.say(
        `${seconds(event.endMs).padStart(6)}  ${call.name.padEnd(24)} customer ${state.toUpperCase().padEnd(10)}` +
          ` ${`${Math.round((state === event.state ? event.confidence : event.arousalConfidence) * 100)}%`.padStart(4)}` +
          `${heard ? `  (listener hears: ${heard})` : ''}${evidence ? `  ${evidence}` : ''}`,
      );
    },
    alert(alert) {
      const call = view(alert.callId);
      call.alerts.push(alert);
      options.say(
        `${seconds(alert.audioMs).padStart(6)}  ${call.name.padEnd(24)} >>> ALERT ${alert.state} ${alert.severity} ${alert.ruleId} (${alert.channel}): ${alert.message}`,
      );
    },
    summary() {
      const lines: string[] = [];
      for (const call of calls.values()) {
        lines.push(`${call.name}${call.truth ? `: ${call.truth.description}` : ''}`);
        const spans = call.truth?.segments ?? [{ label: '(unknown)', startMs: 0, endMs: Infinity }];
        for (const span of spans) {
          const states = call.states.filter((s) => s.atMs >= span.startMs && s.atMs < span.endMs);
          const range = Number.isFinite(span.endMs)
            ? `${seconds(span.startMs)}-${seconds(span.endMs)}`
            : 'whole call';
          lines.push(
            `  hears ${span.label.padEnd(9)} ${range.padEnd(12)} shown: ${shares(states.map((s) => s.state))}`,
          );
        }
        const fired = call.alerts.filter((a) => a.state === 'fired' || a.state === 'escalated');
        lines.push(
          fired.length === 0
            ? '  alerts: none'
            : `  alerts: ${fired.map((a) => `${a.ruleId} (${a.channel}) at ${seconds(a.audioMs)}${call.truth ? ` [hears ${heardAt(call.truth, a.audioMs) ?? '?'}]` : ''}`).join('; ')}`,
        );
      }
      return lines;
    },
  };
}

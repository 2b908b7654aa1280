// The readable summary the `analyze` command prints per file: per speaker the dominant emotions
// and their timeline, arousal/valence trend, pace, pitch, tension; the dynamics of two-speaker
// calls. Pure: returns text.
import type { DynamicsSummary, FileResult, SpeakerResult, Trend } from './types.ts';

const MAX_SPANS = 12;

export function formatFileResult(result: FileResult): string {
  if (!result.ok) return `${result.file}: skipped (${result.error.code}: ${result.error.message})`;
  const layout = result.speakers.map((s) => `${s.channel} = ${s.source}`).join(', ');
  const kind =
    result.channelCount === 1
      ? 'mono'
      : result.channelCount === 2
        ? 'stereo'
        : `${result.channelCount} channels`;
  const lines = [
    `${result.file}: ${kind}, ${result.sampleRateHz} Hz ${result.encoding}, ${clock(result.durationS * 1000)} (${layout})`,
  ];
  for (const note of result.notes ?? []) lines.push(`  note: ${note}`);
  for (const speaker of result.speakers) lines.push(...formatSpeaker(speaker));
  if (result.dynamicsSummary) lines.push(formatDynamics(result.dynamicsSummary));
  return lines.join('\n');
}

function formatSpeaker({ channel, source, summary }: SpeakerResult): string[] {
  // As the wallboard words them (shown-state.ts), so the offline line reads like the live page.
  const shares = (Object.entries(summary.shownShares) as [string, number][])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([state, share]) => `${state} ${pct(share)}`)
    .join(', ');
  if (summary.windows === 0) return [`  ${channel} (${source}): no audio`];
  const lines = [`  ${channel} (${source}), ${plural(summary.windows, 'window')}: mostly ${shares}`];
  if (summary.speechWindows === 0) {
    lines.push('    no speech detected');
    return lines;
  }
  const spans = summary.shownTimeline.map((s) => `${clock(s.startMs)} ${s.state}`);
  const shown = spans.slice(0, MAX_SPANS).join(' → ');
  lines.push(
    `    over time: ${shown}${spans.length > MAX_SPANS ? ` → … (${spans.length - MAX_SPANS} more)` : ''}`,
  );
  lines.push(`    arousal ${trendText(summary.arousal)} · valence ${trendText(summary.valence)}`);
  const probs = Object.entries(summary.meanProbabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([label, p]) => `${label} ${p.toFixed(2)}`)
    .join(', ');
  lines.push(`    average over speech: ${probs}`);
  const { pace, pitch, tension } = summary;
  lines.push(
    `    pace ${num(pace.syllableRate, 1)} syl/s (articulation ${num(pace.articulationRate, 1)}, pauses ${pct(pace.pauseRatio)})` +
      ` · pitch ${num(pitch.medianHz, 0)} Hz, range ${num(pitch.rangeSt, 1)} st per 2 s` +
      ` · tension ${num(tension.mean, 2)} (max ${num(tension.max, 2)}) · loudness ${num(summary.loudnessDbfs, 0)} dBFS`,
  );
  return lines;
}

function formatDynamics(d: DynamicsSummary): string {
  return (
    `  dynamics: agent talks ${pct(d.talkRatioAgent)} of the time spoken` +
    ` · overtalk ${d.overtalkCount}× (${num(d.overtalkS, 1)} s)` +
    ` · mutual silence ${num(d.mutualSilenceS, 1)} s (longest ${num(d.longestMutualSilenceS, 1)} s)` +
    ` · median response: agent ${ms(d.agentResponseLatencyMs)}, customer ${ms(d.customerResponseLatencyMs)}`
  );
}

function trendText(t: Trend | null): string {
  if (!t) return '–';
  return `${t.first.toFixed(2)} → ${t.last.toFixed(2)} (${t.direction})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function num(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${Math.round(100 * v)} %` : '–';
}

function ms(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v)} ms` : '–';
}

/** m:ss of a time in ms. */
export function clock(timeMs: number): string {
  const s = Math.max(0, Math.round(timeMs / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

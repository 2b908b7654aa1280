// GET /calls/:id/timeline and the CSV/JSON export: per-speaker window lanes (pitch, loudness, pace,
// tension) and emotion events as columns (compact, what uPlot draws), dynamics, alerts; optional
// downsampling to `maxPoints` buckets per lane. I/O: database.
import type { SqlExecutor } from '../backend/backend.ts';
import { listAlerts, loadCallRow } from './calls.ts';
import { num, round } from './rows.ts';
import type { Scope } from './scope.ts';

const CHANNELS = ['agent', 'customer'] as const;
type Columns = Record<string, (number | string | null)[]>;

function columns(
  rows: Record<string, unknown>[],
  spec: Record<string, (r: Record<string, unknown>) => number | string | null>,
) {
  const out: Columns = {};
  for (const key of Object.keys(spec)) out[key] = new Array(rows.length);
  rows.forEach((row, i) => {
    for (const [key, read] of Object.entries(spec)) out[key][i] = read(row);
  });
  return out;
}

/**
 * Buckets consecutive rows into at most `maxPoints` groups: numbers are averaged (nulls ignored),
 * strings take the most frequent value, startMs the first and endMs the last of the bucket.
 */
export function downsample(cols: Columns, maxPoints: number): Columns {
  const n = cols.startMs?.length ?? 0;
  if (n <= maxPoints) return cols;
  const out: Columns = {};
  for (const key of Object.keys(cols)) out[key] = [];
  for (let b = 0; b < maxPoints; b++) {
    const lo = Math.floor((b * n) / maxPoints);
    const hi = Math.floor(((b + 1) * n) / maxPoints);
    for (const [key, values] of Object.entries(cols)) {
      if (key === 'startMs') out[key].push(values[lo]);
      else if (key === 'endMs') out[key].push(values[hi - 1]);
      else if (typeof values[lo] === 'string') {
        const counts = new Map<string, number>();
        for (let i = lo; i < hi; i++)
          counts.set(values[i] as string, (counts.get(values[i] as string) ?? 0) + 1);
        out[key].push([...counts.entries()].sort((a, b) => b[1] - a[1])[0][0]);
      } else {
        let sum = 0;
        let count = 0;
        for (let i = lo; i < hi; i++) {
          if (typeof values[i] === 'number') {
            sum += values[i] as number;
            count++;
          }
        }
        out[key].push(count > 0 ? Math.round((sum / count) * 1e4) / 1e4 : null);
      }
    }
  }
  return out;
}

const WINDOW_SPEC = {
  windowIndex: (r: Record<string, unknown>) => Number(r.window_index),
  startMs: (r: Record<string, unknown>) => Number(r.start_ms),
  endMs: (r: Record<string, unknown>) => Number(r.end_ms),
  speechFraction: (r: Record<string, unknown>) => round(r.speech_fraction, 3),
  pitchHz: (r: Record<string, unknown>) => round(r.pitch_hz, 1),
  pitchSt: (r: Record<string, unknown>) => round(r.pitch_st, 2),
  loudnessDbfs: (r: Record<string, unknown>) => round(r.loudness_dbfs, 1),
  syllableRate: (r: Record<string, unknown>) => round(r.syllable_rate, 2),
  tension: (r: Record<string, unknown>) => round(r.tension, 3),
};
const EMOTION_SPEC = {
  windowIndex: (r: Record<string, unknown>) => Number(r.window_index),
  startMs: (r: Record<string, unknown>) => Number(r.start_ms),
  endMs: (r: Record<string, unknown>) => Number(r.end_ms),
  state: (r: Record<string, unknown>) => String(r.state),
  valence: (r: Record<string, unknown>) => round(r.valence, 3),
  arousal: (r: Record<string, unknown>) => round(r.arousal, 3),
  confidence: (r: Record<string, unknown>) => round(r.confidence, 3),
};
const DYNAMICS_SPEC = {
  windowIndex: (r: Record<string, unknown>) => Number(r.window_index),
  startMs: (r: Record<string, unknown>) => Number(r.start_ms),
  endMs: (r: Record<string, unknown>) => Number(r.end_ms),
  overtalkCount: (r: Record<string, unknown>) => Number(r.overtalk_count),
  mutualSilenceMs: (r: Record<string, unknown>) => Number(r.mutual_silence_ms),
  talkRatioAgent: (r: Record<string, unknown>) => round(r.talk_ratio_agent, 3),
};

export async function getTimeline(db: SqlExecutor, scope: Scope, callId: string, maxPoints: number | null) {
  const call = await loadCallRow(db, scope, callId);
  const [windows, emotions, dynamics, alerts] = await Promise.all([
    db.query<Record<string, unknown>>(
      `SELECT channel, window_index, start_ms, end_ms, speech_fraction, pitch_hz, pitch_st, loudness_dbfs,
         syllable_rate, tension FROM speaker_windows WHERE call_id = $1 ORDER BY channel, window_index`,
      [callId],
    ),
    db.query<Record<string, unknown>>(
      `SELECT channel, window_index, start_ms, end_ms, state, valence, arousal, confidence
       FROM emotion_events WHERE call_id = $1 ORDER BY channel, window_index`,
      [callId],
    ),
    db.query<Record<string, unknown>>(
      `SELECT window_index, start_ms, end_ms, overtalk_count, mutual_silence_ms, talk_ratio_agent
       FROM dynamics_windows WHERE call_id = $1 ORDER BY window_index`,
      [callId],
    ),
    listAlerts(db, callId),
  ]);
  const shrink = (cols: Columns) => (maxPoints ? downsample(cols, maxPoints) : cols);
  const speakers = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      {
        windows: shrink(
          columns(
            windows.filter((r) => r.channel === channel),
            WINDOW_SPEC,
          ),
        ),
        emotions: shrink(
          columns(
            emotions.filter((r) => r.channel === channel),
            EMOTION_SPEC,
          ),
        ),
      },
    ]),
  );
  return {
    callId,
    durationMs: num(call.duration_ms),
    storeFeatures: Boolean(call.store_features),
    downsampledTo: maxPoints,
    speakers,
    dynamics: shrink(columns(dynamics, DYNAMICS_SPEC)),
    alerts,
  };
}

const CSV_HEADER = [
  'call_id',
  'channel',
  'window_index',
  'start_ms',
  'end_ms',
  'speech_fraction',
  'pitch_hz',
  'loudness_dbfs',
  'syllable_rate',
  'tension',
  'state',
  'valence',
  'arousal',
  'confidence',
];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row per speaker window, with that window's emotion event beside it. */
export async function exportCsv(db: SqlExecutor, scope: Scope, callId: string): Promise<string> {
  await loadCallRow(db, scope, callId);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT w.channel, w.window_index, w.start_ms, w.end_ms, w.speech_fraction, w.pitch_hz, w.loudness_dbfs,
       w.syllable_rate, w.tension, e.state, e.valence, e.arousal, e.confidence
     FROM speaker_windows w LEFT JOIN emotion_events e
       ON e.call_id = w.call_id AND e.channel = w.channel AND e.window_index = w.window_index
     WHERE w.call_id = $1 ORDER BY w.channel, w.window_index`,
    [callId],
  );
  const lines = [CSV_HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        callId,
        r.channel,
        r.window_index,
        r.start_ms,
        r.end_ms,
        round(r.speech_fraction, 3),
        round(r.pitch_hz, 1),
        round(r.loudness_dbfs, 1),
        round(r.syllable_rate, 2),
        round(r.tension, 3),
        r.state,
        round(r.valence, 3),
        round(r.arousal, 3),
        round(r.confidence, 3),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

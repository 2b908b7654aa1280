// GET /calls/:id/timeline and the CSV/JSON export: per-speaker window lanes (pitch, loudness, pace,
// tension) and emotion events as columns (compact, what uPlot draws), dynamics, alerts; optional
// downsampling to `maxPoints` buckets per lane. Rows are read by (tenant, call id). I/O: database.
import type { SqlExecutor } from '../backend/backend.ts';
import { listAlerts, loadCallRow, ownLegsToKeep } from './calls.ts';
import { jsonParam, num, round } from './rows.ts';
import { insideOwnLegs, insideOwnLegsSql, type OwnSpan } from './own-legs.ts';
import type { Scope } from '../../shared/auth/call-access.ts';

const CHANNELS = ['agent', 'customer'] as const;
type Columns = Record<string, (number | string | null)[]>;

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

/** Column name → SQL expression; the database builds the column arrays as JSON (one row per lane). */
const WINDOW_COLUMNS = {
  windowIndex: 'window_index',
  startMs: 'start_ms',
  endMs: 'end_ms',
  speechFraction: 'round(speech_fraction::numeric, 3)::float8',
  pitchHz: 'round(pitch_hz::numeric, 1)::float8',
  pitchSt: 'round(pitch_st::numeric, 2)::float8',
  loudnessDbfs: 'round(loudness_dbfs::numeric, 1)::float8',
  syllableRate: 'round(syllable_rate::numeric, 2)::float8',
  tension: 'round(tension::numeric, 3)::float8',
};
const EMOTION_COLUMNS = {
  windowIndex: 'window_index',
  startMs: 'start_ms',
  endMs: 'end_ms',
  state: 'state',
  valence: 'round(valence::numeric, 3)::float8',
  arousal: 'round(arousal::numeric, 3)::float8',
  confidence: 'round(confidence::numeric, 3)::float8',
};
const DYNAMICS_COLUMNS = {
  windowIndex: 'window_index',
  startMs: 'start_ms',
  endMs: 'end_ms',
  overtalkCount: 'overtalk_count',
  mutualSilenceMs: 'mutual_silence_ms',
  talkRatioAgent: 'round(talk_ratio_agent::numeric, 3)::float8',
};

/** A lane's columns without rows. */
const emptyLane = (spec: Record<string, string>): string =>
  JSON.stringify(Object.fromEntries(Object.keys(spec).map((key) => [key, []])));

/**
 * Column arrays built by the database (json_agg) rather than row by row in JavaScript: a 30-minute
 * call is ~9 000 rows, and per-row driver parsing dominated the timeline's latency. Returned as
 * JSON text, so a full-resolution timeline is passed through without parse + stringify. `own`:
 * the reader's legs, outside which the agent channel (and the call's dynamics) are left out.
 */
async function lanes(
  db: SqlExecutor,
  table: string,
  spec: Record<string, string>,
  tenant: string,
  callId: string,
  perChannel: boolean,
  own: readonly OwnSpan[] | null,
) {
  const cols = Object.entries(spec)
    .map(([name, sql]) => `'${name}', json_agg(${sql})`)
    .join(', ');
  // One sort in the ordered subquery feeds every aggregate in window order (PostgreSQL keeps the
  // subquery's order into the aggregates when nothing re-sorts in between).
  const rows = await db.query<{ channel: string; cols: string }>(
    `SELECT ${perChannel ? 'channel' : "'call' AS channel"}, json_build_object(${cols})::text AS cols
     FROM (SELECT * FROM ${table} WHERE tenant = $1 AND call_id = $2 ${ownRows(own, perChannel)}
       ORDER BY ${perChannel ? 'channel, ' : ''}window_index) AS t
     ${perChannel ? 'GROUP BY channel' : ''}`,
    own === null ? [tenant, callId] : [tenant, callId, jsonParam(own)],
  );
  const empty = emptyLane(spec);
  const byChannel = new Map(rows.map((r) => [r.channel, r.cols]));
  return (channel: string) => byChannel.get(channel) ?? empty;
}

/** The condition keeping the reader's rows (parameter $3: their legs); empty for every row. */
function ownRows(own: readonly OwnSpan[] | null, perChannel: boolean): string {
  if (own === null) return '';
  const inside = insideOwnLegsSql('start_ms', '$3');
  return perChannel ? `AND (channel <> 'agent' OR ${inside})` : `AND ${inside}`;
}

/** No rows of any channel: what a call without feature consent shows. */
const noLanes = (spec: Record<string, string>) => {
  const empty = emptyLane(spec);
  return () => empty;
};

/**
 * Builds the timeline JSON text of a call row from its detail tables. A call without feature
 * consent (store_features=false) shows its alerts only: its detail rows are held until its summary
 * is computed from them (finalize.ts), never served, live or late-replayed.
 */
export async function buildTimelineJson(
  db: SqlExecutor,
  call: Record<string, unknown>,
  tenant: string,
  callId: string,
  maxPoints: number | null,
  own: readonly OwnSpan[] | null = null,
): Promise<string> {
  const consented = Boolean(call.store_features);
  const windows = consented
    ? await lanes(db, 'speaker_windows', WINDOW_COLUMNS, tenant, callId, true, own)
    : noLanes(WINDOW_COLUMNS);
  const emotions = consented
    ? await lanes(db, 'emotion_events', EMOTION_COLUMNS, tenant, callId, true, own)
    : noLanes(EMOTION_COLUMNS);
  const dynamics = consented
    ? await lanes(db, 'dynamics_windows', DYNAMICS_COLUMNS, tenant, callId, false, own)
    : noLanes(DYNAMICS_COLUMNS);
  const alerts = await listAlerts(db, tenant, callId);
  // Full resolution: the database's JSON as it is; downsampled: parsed, bucketed, re-serialised.
  const lane = (text: string) =>
    maxPoints ? JSON.stringify(downsample(JSON.parse(text) as Columns, maxPoints)) : text;
  const speakers = CHANNELS.map(
    (channel) =>
      `${JSON.stringify(channel)}:{"windows":${lane(windows(channel))},"emotions":${lane(emotions(channel))}}`,
  ).join(',');
  return (
    `{"callId":${JSON.stringify(callId)},"durationMs":${JSON.stringify(num(call.duration_ms))},` +
    `"storeFeatures":${Boolean(call.store_features)},"downsampledTo":${JSON.stringify(maxPoints)},` +
    `"speakers":{${speakers}},"dynamics":${lane(dynamics('call'))},"alerts":${JSON.stringify(alerts)}}`
  );
}

/**
 * The timeline as JSON text (what GET /calls/:id/timeline sends): a summarised call's stored
 * timeline when it has one (built at call end, see finalize.ts), else built from the tables.
 */
export async function getTimelineJson(
  db: SqlExecutor,
  scope: Scope,
  callId: string,
  maxPoints: number | null,
): Promise<string> {
  const call = await loadCallRow(db, scope, callId);
  const own = await ownLegsToKeep(db, scope, call);
  // Not for a call without feature consent: consent narrowed after its summary (a resumed stream)
  // leaves the stored body until the next summary run deletes it; nor for an agent reading a call
  // another agent had a leg of (the stored body is the whole call's).
  if (maxPoints === null && call.store_features && own === null) {
    const stored = await db.query<{ body: string }>(
      'SELECT body FROM call_timelines WHERE tenant = $1 AND call_id = $2',
      [call.tenant, callId],
    );
    if (stored.length > 0) return stored[0].body;
  }
  return buildTimelineJson(db, call, call.tenant, callId, maxPoints, own);
}

export interface Timeline {
  callId: string;
  durationMs: number | null;
  storeFeatures: boolean;
  downsampledTo: number | null;
  speakers: Record<(typeof CHANNELS)[number], { windows: Columns; emotions: Columns }>;
  dynamics: Columns;
  alerts: Awaited<ReturnType<typeof listAlerts>>;
}

export async function getTimeline(
  db: SqlExecutor,
  scope: Scope,
  callId: string,
  maxPoints: number | null,
): Promise<Timeline> {
  return JSON.parse(await getTimelineJson(db, scope, callId, maxPoints)) as Timeline;
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

/**
 * One CSV field (RFC 4180 quoting). Text that a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR first: OWASP "CSV injection") gets a leading apostrophe; numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV row per speaker window, with that window's emotion event beside it; the header only for
 * a call without feature consent (see buildTimelineJson).
 */
/** An emotion event's columns of the CSV export (nulls when the window has none). */
function pickEvent(e: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    state: e?.state ?? null,
    valence: e?.valence ?? null,
    arousal: e?.arousal ?? null,
    confidence: e?.confidence ?? null,
  };
}

export async function exportCsv(db: SqlExecutor, scope: Scope, callId: string): Promise<string> {
  const call = await loadCallRow(db, scope, callId);
  const tenant = call.tenant;
  if (!call.store_features) return `${CSV_HEADER.join(',')}\n`;
  // Each table read in key order and joined here: the database's join chose a nested loop over
  // the (tenant, call id) prefix without fresh statistics (PGlite has no autovacuum): an hour's
  // call took 15-40 s and held the single-connection store for all of it.
  const windows = await db.query<Record<string, unknown>>(
    `SELECT channel, window_index, start_ms, end_ms, speech_fraction, pitch_hz, loudness_dbfs,
       syllable_rate, tension
     FROM speaker_windows WHERE tenant = $1 AND call_id = $2 ORDER BY channel, window_index`,
    [tenant, callId],
  );
  const events = await db.query<Record<string, unknown>>(
    `SELECT channel, window_index, state, valence, arousal, confidence
     FROM emotion_events WHERE tenant = $1 AND call_id = $2 ORDER BY channel, window_index`,
    [tenant, callId],
  );
  const eventOf = new Map(events.map((e) => [`${String(e.channel)}:${String(e.window_index)}`, e]));
  // An agent reading a call another agent had a leg of: that agent's voice is left out.
  const own = await ownLegsToKeep(db, scope, call);
  const readable = (w: Record<string, unknown>) =>
    own === null || w.channel !== 'agent' || insideOwnLegs(Number(w.start_ms), own);
  const rows = windows.filter(readable).map((w) => ({
    ...w,
    ...pickEvent(eventOf.get(`${String(w.channel)}:${String(w.window_index)}`)),
  }));
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

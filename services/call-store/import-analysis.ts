// Offline import: the JSON of `voice-analytics analyze <folder> --json` (or one file's result)
// written into the call store as calls, so recordings get the same QA pages as live calls.
// Call ids are deterministic per file path and content, so importing twice changes nothing. I/O:
// database.
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { StoreError, issueLines } from './errors.ts';
import type { CallStore } from './store.ts';

export interface ImportOptions {
  tenant?: string;
  agentId?: string;
  queue?: string;
  /** Start time given to imported calls; default now (the analysis does not carry one). */
  startedAt?: Date;
  storeFeatures?: boolean;
}

export interface ImportResult {
  imported: { file: string; callId: string; windows: number; rejected: number }[];
  skipped: { file: string; code: string; message: string }[];
}

const windowRecord = z.object({
  windowIndex: z.number(),
  startMs: z.number(),
  endMs: z.number(),
  features: z.record(z.string(), z.unknown()),
  emotion: z.record(z.string(), z.unknown()),
});
const fileAnalysis = z.object({
  file: z.string(),
  ok: z.literal(true),
  durationS: z.number().min(0),
  speakers: z.array(z.object({ channel: z.enum(['agent', 'customer']), windows: z.array(windowRecord) })),
  dynamics: z.array(z.record(z.string(), z.unknown())).nullable(),
  contentSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
const fileFailure = z.object({
  file: z.string(),
  ok: z.literal(false),
  error: z.object({ code: z.string(), message: z.string() }),
});
const fileResult = z.union([fileAnalysis, fileFailure]);
const analysisDocument = z.union([z.object({ files: z.array(fileResult) }), fileResult]);

/**
 * `import-<16 hex of the path and content>`: stable across re-imports of the same recording;
 * another recording saved under the same path (its `contentSha256` differs) is another call. No
 * part of the file name: recorders name files after the caller (`447700900111_jane.doe@….wav`),
 * and the id is in every stored row, the QA pages and URLs, where no erasure reaches it (privacy
 * probe). JSON written before analyze reported the content hash: 16 hex of the path alone.
 */
export function importedCallId(file: string, contentSha256?: string): string {
  const identity = contentSha256 ? `${file}\n${contentSha256}` : file;
  return `import-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
}

/** The ids earlier imports gave: `import-<file name>-<8 hex of the path (and the content)>`. */
export function namedImportId(file: string, contentSha256?: string): string {
  const stem = basename(file, extname(file))
    .replace(/[^\w.-]/g, '_')
    .slice(0, 80);
  const identity = contentSha256 ? `${file}\n${contentSha256}` : file;
  return `import-${stem}-${createHash('sha256').update(identity).digest('hex').slice(0, 8)}`;
}

export async function importAnalysis(
  store: CallStore,
  analysisJson: unknown,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const parsed = analysisDocument.safeParse(analysisJson);
  if (!parsed.success)
    throw new StoreError(
      'INVALID_ANALYSIS',
      'not an analyze JSON document',
      issueLines(parsed.error.issues).slice(0, 10),
    );
  const files = 'files' in parsed.data ? parsed.data.files : [parsed.data];
  const result: ImportResult = { imported: [], skipped: [] };
  const startedAt = (options.startedAt ?? new Date()).getTime();
  for (const file of files) {
    if (!file.ok) {
      result.skipped.push({ file: file.file, code: file.error.code, message: file.error.message });
      continue;
    }
    const tenant = options.tenant ?? 'default';
    const callId = await callIdFor(store, tenant, file);
    const durationMs = Math.round(file.durationS * 1000);
    const events: unknown[] = [
      {
        kind: 'call-start',
        callId,
        tenant,
        agentId: options.agentId ?? 'unknown',
        queue: options.queue ?? 'import',
        startedAt: new Date(startedAt).toISOString(),
        consent: { analytics: true, storeFeatures: options.storeFeatures ?? true },
        source: 'import',
      },
    ];
    for (const speaker of file.speakers) {
      for (const w of speaker.windows) {
        const base = {
          callId,
          tenant,
          channel: speaker.channel,
          windowIndex: w.windowIndex,
          startMs: w.startMs,
          endMs: w.endMs,
        };
        events.push({ ...w.features, ...base, kind: 'features' });
        events.push({ ...w.emotion, ...base, kind: 'emotion' });
      }
    }
    for (const d of file.dynamics ?? []) events.push({ ...d, callId, tenant, kind: 'dynamics' });
    events.push({
      kind: 'call-end',
      callId,
      tenant,
      endedAt: new Date(startedAt + durationMs).toISOString(),
      durationMs,
      endReason: '', // a recording analysed offline: no telephony end
    });
    let rejected = 0;
    for (let i = 0; i < events.length; i += 2000)
      rejected += (await store.write(events.slice(i, i + 2000))).rejected.length;
    await store.finalizeCall(tenant, callId);
    const windows = file.speakers.reduce((n, s) => n + s.windows.length, 0);
    result.imported.push({ file: file.file, callId, windows, rejected });
  }
  return result;
}

/**
 * The call id of an imported recording: path and content (importedCallId), except that a
 * recording an earlier version stored keeps the id it was stored under: the file-name id of the
 * same path and content, or a path-only id (JSON without a content hash) when the stored call is
 * this recording: the same length and the same speech (sameSpeech; the DSP's speech fraction does
 * not depend on the model). An upgrade's re-import then does not store it twice, and another
 * recording saved under that path, of any length, is another call.
 */
async function callIdFor(
  store: CallStore,
  tenant: string,
  file: z.infer<typeof fileAnalysis>,
): Promise<string> {
  const current = importedCallId(file.file, file.contentSha256);
  const exists = async (callId: string): Promise<{ duration_ms: number | null } | undefined> =>
    (
      await store.backend.query<{ duration_ms: number | null }>(
        'SELECT duration_ms FROM calls WHERE tenant = $1 AND call_id = $2',
        [tenant, callId],
      )
    )[0];
  // Without a content hash (older JSON): the call an earlier import stored under the file-name id.
  if (!file.contentSha256)
    return (await exists(namedImportId(file.file))) ? namedImportId(file.file) : current;
  // The same recording imported with the file-name id (2026-12-05): the same call.
  const named = namedImportId(file.file, file.contentSha256);
  if (await exists(named)) return named;
  // Stored from JSON without a content hash (the path alone): the same call when its speech is.
  for (const legacy of [namedImportId(file.file), importedCallId(file.file)]) {
    const call = await exists(legacy);
    if (
      call &&
      call.duration_ms === Math.round(file.durationS * 1000) &&
      (await sameSpeech(store, tenant, legacy, file))
    )
      return legacy;
  }
  return current;
}

/**
 * Whether the stored windows of `callId` are this recording's: the same windows, and the same
 * speech share (a 4-byte real: to 1e-4) in 9 of 10 of them (a tone gate or other VAD change
 * between analyze versions moves a few; another recording of the same length moves most).
 */
async function sameSpeech(
  store: CallStore,
  tenant: string,
  callId: string,
  file: z.infer<typeof fileAnalysis>,
): Promise<boolean> {
  const stored = await store.backend.query<{
    channel: string;
    window_index: number;
    speech_fraction: number;
  }>(
    'SELECT channel, window_index, speech_fraction FROM speaker_windows WHERE tenant = $1 AND call_id = $2',
    [tenant, callId],
  );
  const analysed = new Map<string, number>(
    file.speakers.flatMap((s) =>
      s.windows.map((w) => [`${s.channel}:${w.windowIndex}`, Number(w.features.speechFraction)] as const),
    ),
  );
  const agreeing = stored.filter(
    (w) => Math.abs((analysed.get(`${w.channel}:${w.window_index}`) ?? NaN) - w.speech_fraction) < 1e-4,
  ).length;
  return stored.length === analysed.size && stored.length > 0 && agreeing >= 0.9 * stored.length;
}

// `voice-analytics analyze <folder> --store` as a user runs it (bin in a child process) into a
// PGlite folder in a temp dir: both calls and every window come back through the store API, a
// second run adds no rows, and an open PGlite folder is refused with STORE_LOCKED.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../pipelines/audio/wav.ts';
import { openAnalysisStore } from '../../../services/call-store/analysis-store.ts';
import { importedCallId } from '../../../services/call-store/import-analysis.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { parseSearchQuery } from '../../../services/call-store/store/search.ts';
import { openStoreSink, type StoreFailure } from '../../../services/analyze/store-sink.ts';
import type { FileAnalysis } from '../../../services/analyze/types.ts';
import { voice } from '../../support/analyze/signals.ts';
import { testModelJson } from '../../support/analyze/test-model.ts';

const BIN = new URL('../../../bin/voice-analytics.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'analyze-store-'));
const calls = join(dir, 'calls');
const model = join(dir, 'model.json');
const dataDir = join(dir, 'store');
const ADMIN = { tenant: null, agentId: null, teams: null };
const TABLES = ['calls', 'speaker_windows', 'emotion_events', 'dynamics_windows'];

function cli(args: string[], cwd = process.cwd()) {
  return cliIn(args, { STORE_DATA_DIR: dataDir }, cwd);
}

function cliIn(args: string[], extra: Record<string, string>, cwd = process.cwd()) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000, env, cwd });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same, not waiting: two runs at once. */
function cliAsync(args: string[], storeDir: string): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, STORE_DATA_DIR: storeDir };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr })));
}

async function withStore<T>(work: (store: CallStore) => Promise<T>, folder = dataDir): Promise<T> {
  const store = await openCallStore({ dataDir: folder });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function rowCounts(store: CallStore): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await store.backend.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = row.n;
  }
  return counts;
}

beforeAll(() => {
  mkdirSync(calls, { recursive: true });
  writeFileSync(model, JSON.stringify(testModelJson()));
  // call-b stops mid-millisecond (40 005 samples: 5000.625 ms), as recorded calls do.
  for (const [name, f0, seconds] of [
    ['call-a.wav', 120, 5],
    ['call-b.wav', 140, 5.000625],
  ] as const) {
    const call = { sampleRateHz: 8000, channels: [voice(seconds, 8000, f0), voice(seconds, 8000, 230, 7)] };
    writeFileSync(join(calls, name), encodeWav(call, 'pcm16'));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('voice-analytics analyze --store', () => {
  it("scores the agent's pace on the tenant's own agent-too-fast rule (ALERT_TENANT_RULES_DIR)", async () => {
    // initech switched the rule off in its own file: the live pages never judge its agents' pace,
    // so an imported call must not be scored on the shipped 7 either (review, 2026-12-07).
    const tenants = join(dir, 'tenant-rules');
    const store = join(dir, 'store-rules');
    mkdirSync(tenants, { recursive: true });
    writeFileSync(
      join(tenants, 'initech.yaml'),
      'version: 1\nrules:\n  - { id: agent-too-fast, enabled: false }\n',
    );
    const args = ['analyze', calls, '--model', model, '--store', '--agent', 'a-7'];
    for (const tenant of ['initech', 'acme']) {
      const run = cliIn([...args, '--tenant', tenant], {
        STORE_DATA_DIR: store,
        ALERT_TENANT_RULES_DIR: tenants,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const limits = await withStore(async (opened) => {
      const found: Record<string, (number | null)[]> = {};
      for (const tenant of ['initech', 'acme']) {
        const scope = { tenant, agentId: null, teams: null };
        const listed = await opened.searchCalls(scope, parseSearchQuery({ tenant }));
        found[tenant] = [];
        for (const call of listed.calls) {
          const got = await opened.getCall(scope, call.callId);
          found[tenant].push((got.summary as { agentPaceLimit: number | null }).agentPaceLimit);
        }
      }
      return found;
    }, store);
    expect(limits).toEqual({ initech: [null, null], acme: [7, 7] });
  });

  it('stores both calls with every window, and a second run adds no rows', async () => {
    const out = join(dir, 'out.json');
    const args = ['analyze', calls, '--model', model, '--store', '--tenant', 'acme', '--agent', 'a-7'];
    const first = cli([...args, '--json', out, '--jobs', '2']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`2 calls stored in PGlite ${dataDir}`);
    expect(existsSync(join(dataDir, '.store.lock')), 'the folder lock is released').toBe(false);

    const analysis = JSON.parse(readFileSync(out, 'utf8')) as {
      files: {
        file: string;
        contentSha256: string;
        speakers: { channel: string; windows: unknown[] }[];
        dynamics: unknown[];
      }[];
    };
    const before = await withStore(async (store) => {
      const found = await store.searchCalls(ADMIN, parseSearchQuery({ tenant: 'acme' }));
      expect(found.calls.map((c) => c.callId).sort()).toEqual(
        analysis.files.map((f) => importedCallId(f.file, f.contentSha256)).sort(),
      );
      for (const call of found.calls) {
        expect(call).toMatchObject({ agentId: 'a-7', queue: 'import', status: 'ended', source: 'import' });
      }
      for (const file of analysis.files) {
        const timeline = await store.getTimeline(ADMIN, importedCallId(file.file, file.contentSha256), null);
        for (const speaker of file.speakers) {
          const lanes = timeline.speakers[speaker.channel as 'agent' | 'customer'];
          expect(speaker.windows.length).toBeGreaterThan(0);
          expect(lanes.windows.startMs).toHaveLength(speaker.windows.length);
          expect(lanes.emotions.startMs).toHaveLength(speaker.windows.length);
        }
        expect(timeline.dynamics.startMs).toHaveLength(file.dynamics.length);
      }
      return rowCounts(store);
    });
    const windows = analysis.files.flatMap((f) => f.speakers).reduce((n, s) => n + s.windows.length, 0);
    expect(before).toEqual({
      calls: 2,
      speaker_windows: windows,
      emotion_events: windows,
      dynamics_windows: analysis.files.reduce((n, f) => n + f.dynamics.length, 0),
    });

    // The same folder spelt relatively from another working folder is the same calls.
    const second = cli(
      args.map((a) => (a === calls ? './calls' : a)),
      dir,
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`2 calls stored in PGlite ${dataDir}`);
    expect(await withStore(rowCounts)).toEqual(before);

    // Another recording saved under call-a's path is another call: with the path alone as its id,
    // its windows were merged into call-a's (12 s of one call, 36 windows of two).
    const other = { sampleRateHz: 8000, channels: [voice(7, 8000, 100), voice(7, 8000, 210, 7)] };
    writeFileSync(join(calls, 'call-a.wav'), encodeWav(other, 'pcm16'));
    const third = cli([
      'analyze',
      join(calls, 'call-a.wav'),
      '--model',
      model,
      '--store',
      '--tenant',
      'acme',
    ]);
    expect(third.code, third.stderr).toBe(0);
    const after = await withStore(rowCounts);
    expect(after.calls).toBe(3);
    expect(after.speaker_windows).toBeGreaterThan(before.speaker_windows);
    await withStore(async (store) => {
      const first = analysis.files.find((f) => f.file.endsWith('call-a.wav'))!;
      const timeline = await store.getTimeline(ADMIN, importedCallId(first.file, first.contentSha256), null);
      expect(timeline.speakers.agent.windows.startMs).toHaveLength(first.speakers[0].windows.length);
    });
  }, 600_000);

  it('refuses a PGlite folder another process has open, with STORE_LOCKED and exit code 2', async () => {
    await withStore(async () => {
      const r = cli(['analyze', calls, '--model', model, '--store']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('STORE_LOCKED');
      expect(r.stderr).toContain('DATABASE_URL');
      expect(r.stdout).toBe('');
    });
  }, 300_000);

  it('refuses a folder whose lock a live process holds, naming it and the lock, and leaves the lock alone', () => {
    const folder = join(dir, 'locked');
    mkdirSync(folder);
    // This test process is alive and is not the CLI's: its pid holds the folder.
    writeFileSync(join(folder, '.store.lock'), String(process.pid));
    const env = { STORE_DATA_DIR: folder };
    const r = cliIn(['analyze', join(calls, 'call-a.wav'), '--model', model, '--store'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `STORE_LOCKED: the PGlite folder ${folder} is in use by process ${process.pid}`,
    );
    expect(r.stderr).toContain('.store.lock');
    expect(readFileSync(join(folder, '.store.lock'), 'utf8')).toBe(String(process.pid));
  }, 300_000);

  it('lets one of two runs started together into a new PGlite folder: the other is refused, no call lost', async () => {
    // Both passed the /proc check before either had the folder open, both reported their call
    // stored, and one call was missing (or the folder left unreadable).
    for (let round = 0; round < 3; round++) {
      const folder = join(dir, `race-${round}`);
      const runs = await Promise.all(
        ['call-a.wav', 'call-b.wav'].map((name) =>
          cliAsync(['analyze', join(calls, name), '--model', model, '--store'], folder),
        ),
      );
      const stored = runs.filter((r) => r.code === 0);
      for (const refused of runs.filter((r) => r.code !== 0)) {
        expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('STORE_LOCKED')]);
      }
      expect(stored.length).toBeGreaterThan(0);
      const counts = await withStore(rowCounts, folder);
      expect(counts.calls, JSON.stringify(runs)).toBe(stored.length);
    }
  }, 300_000);

  it('names a PGlite folder it cannot create (through a file, under /proc): STORE_OPEN_FAILED, one line, exit 2', async () => {
    for (const dataDir of [join(model, 'store'), '/proc/va-no-such-folder/store']) {
      await expect(
        openStoreSink(
          { tenant: 't', agentId: 'a', queue: 'q' },
          { STORE_DATA_DIR: dataDir },
          () => undefined,
          openAnalysisStore,
        ),
      ).rejects.toMatchObject({
        code: 'STORE_OPEN_FAILED',
        message: expect.stringContaining('STORE_DATA_DIR'),
      });
    }
  });

  it('reports a file the store refuses and goes on with the next one', async () => {
    const failures: StoreFailure[] = [];
    const sink = await openStoreSink(
      { tenant: 'sink', agentId: 'a', queue: 'q' },
      { STORE_DATA_DIR: join(dir, 'sink-store') },
      (f) => failures.push(f),
      openAnalysisStore,
    );
    expect(sink.where).toBe(`PGlite ${join(dir, 'sink-store')}`);
    const call = (file: string, durationS: number): FileAnalysis => ({
      file,
      ok: true,
      sampleRateHz: 8000,
      analysedRateHz: 8000,
      encoding: 'pcm16',
      channelCount: 2,
      durationS,
      speakers: [],
      dynamics: null,
      dynamicsSummary: null,
    });
    sink.add(call('bad.wav', -1)); // a negative duration is not a valid analysis for the store
    sink.add({ file: 'unreadable.wav', ok: false, error: { code: 'TRUNCATED', message: 'x' } });
    sink.add(call('good.wav', 2));
    const report = await sink.finish();
    expect(report.stored).toBe(1);
    expect(report.failed).toEqual(failures);
    expect(failures.map((f) => [f.file, f.code])).toEqual([['bad.wav', 'INVALID_ANALYSIS']]);
  }, 300_000);

  it('rejects store labels without --store (exit 2, usage on stderr)', () => {
    const r = cli(['analyze', calls, '--tenant', 'acme']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tenant only applies with --store');
    expect(r.stderr).toContain('--store');
  });
});

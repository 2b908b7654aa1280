// Offline import: a recording analysed in-process by the analyze command's stage (pipelines/dsp +
// pipelines/emotion) and written to the store as JSON would be, gets the same call pages as a
// live call; importing twice changes nothing; failures are reported, not stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio } from '../../../services/analyze/analyze-audio.ts';
import { readModelJson, toModel } from '../../../services/analyze/model.ts';
import {
  importAnalysis,
  importedCallId,
  namedImportId,
} from '../../../services/call-store/import-analysis.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';

/** Two speakers taking 3-s turns: harmonic "voices" (agent 120 Hz, customer 210 Hz) with a little noise. */
function syntheticStereo(seconds: number, rateHz = 8000): Float32Array[] {
  const n = seconds * rateHz;
  const agent = new Float32Array(n);
  const customer = new Float32Array(n);
  let seed = 1;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.002;
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    const turn = Math.floor(t / 3) % 2;
    const syllable = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    let a = 0;
    let c = 0;
    for (let h = 1; h <= 8; h++) {
      a += Math.sin(2 * Math.PI * 120 * h * t) / h;
      c += Math.sin(2 * Math.PI * 210 * h * t) / h;
    }
    agent[i] = (turn === 0 ? 0.2 * syllable * a : 0) + noise();
    customer[i] = (turn === 1 ? 0.2 * syllable * c : 0) + noise();
  }
  return [agent, customer];
}

let store: CallStore;
beforeAll(async () => {
  store = await openCallStore({});
});
afterAll(() => store?.close());

describe('voice-analytics analyze --store import', () => {
  it('stores an analysed recording as a call with its timeline and scorecard, once', async () => {
    const model = toModel(readModelJson());
    const analysis = analyzeAudio(
      { sampleRateHz: 8000, channels: syntheticStereo(40), encoding: 'pcm16', validBits: 16, missingS: 0 },
      { file: 'recordings/call-0042.wav', callId: 'offline', channels: undefined, model },
    );
    // As written by --json: NaN becomes null.
    const document = JSON.parse(
      JSON.stringify({
        tool: 'voice-analytics analyze',
        files: [
          analysis,
          { file: 'broken.wav', ok: false, error: { code: 'WAV_INVALID', message: 'not RIFF' } },
        ],
      }),
    );
    const options = {
      tenant: 'acme',
      agentId: 'agent-9',
      queue: 'recorded',
      startedAt: new Date('2026-11-01T10:00:00Z'),
    };
    const first = await importAnalysis(store, document, options);
    const callId = importedCallId('recordings/call-0042.wav');
    expect(first.imported).toEqual([
      { file: 'recordings/call-0042.wav', callId, windows: expect.any(Number), rejected: 0 },
    ]);
    expect(first.skipped).toEqual([{ file: 'broken.wav', code: 'WAV_INVALID', message: 'not RIFF' }]);
    const windows = analysis.speakers.reduce((n, s) => n + s.windows.length, 0);
    expect(first.imported[0].windows).toBe(windows);

    const call = await store.getCall({ tenant: 'acme', agentId: null, teams: null }, callId);
    expect(call.source).toBe('import');
    expect(call.status).toBe('ended');
    expect(call.durationMs).toBe(40_000);
    expect(call.scorecard).not.toBeNull();
    const timeline = await store.getTimeline({ tenant: 'acme', agentId: null, teams: null }, callId, null);
    expect(
      timeline.speakers.agent.windows.startMs.length + timeline.speakers.customer.windows.startMs.length,
    ).toBe(windows);
    expect(timeline.speakers.customer.emotions.state.length).toBe(analysis.speakers[1].windows.length);

    await importAnalysis(store, document, options);
    const again = await store.getTimeline({ tenant: 'acme', agentId: null, teams: null }, callId, null);
    expect(again.speakers.agent.windows.startMs).toEqual(timeline.speakers.agent.windows.startMs);
  });

  it('keeps the path-only id of a recording stored before analyze reported its content, and only for it', async () => {
    const model = toModel(readModelJson());
    const analysed = (seconds: number) =>
      analyzeAudio(
        {
          sampleRateHz: 8000,
          channels: syntheticStereo(seconds),
          encoding: 'pcm16',
          validBits: 16,
          missingS: 0,
        },
        { file: 'recordings/call-0099.wav', callId: 'offline', channels: undefined, model },
      );
    const options = { tenant: 'acme', startedAt: new Date('2026-11-01T10:00:00Z') };
    const asJson = (file: object) => JSON.parse(JSON.stringify({ files: [file] }));
    // Stored by an older analyze: no content hash, the path-only id.
    const old = await importAnalysis(store, asJson(analysed(20)), options);
    expect(old.imported[0].callId).toBe(importedCallId('recordings/call-0099.wav'));
    // The same recording analysed again after the upgrade: the same call, not a second one, though
    // a newer VAD reads one window's speech differently (e.g. a ringback at its start).
    const sha = 'a'.repeat(64);
    const upgraded = analysed(20);
    const first = upgraded.speakers[0].windows[0];
    first.features = { ...first.features, speechFraction: first.features.speechFraction / 2 + 0.01 };
    const again = await importAnalysis(store, asJson({ ...upgraded, contentSha256: sha }), options);
    expect(again.imported[0].callId).toBe(old.imported[0].callId);
    // Another recording of the same length saved under that path: another call (its speech differs).
    const quieter = analysed(20);
    for (const speaker of quieter.speakers)
      for (const w of speaker.windows)
        w.features = { ...w.features, speechFraction: w.features.speechFraction / 2 };
    const sameLength = await importAnalysis(
      store,
      asJson({ ...quieter, contentSha256: 'c'.repeat(64) }),
      options,
    );
    expect(sameLength.imported[0].callId).toBe(importedCallId('recordings/call-0099.wav', 'c'.repeat(64)));
    // Another recording saved under that path (another length): another call.
    const other = await importAnalysis(
      store,
      asJson({ ...analysed(30), contentSha256: 'b'.repeat(64) }),
      options,
    );
    expect(other.imported[0].callId).toBe(importedCallId('recordings/call-0099.wav', 'b'.repeat(64)));
    expect(other.imported[0].callId).not.toBe(old.imported[0].callId);
  });

  it("keeps the caller's file name out of the call id, and finds a recording stored under the file-name id", async () => {
    const model = toModel(readModelJson());
    const file = 'recordings/447700900111_jane.doe@example.com.wav';
    const analysed = {
      ...analyzeAudio(
        { sampleRateHz: 8000, channels: syntheticStereo(10), encoding: 'pcm16', validBits: 16, missingS: 0 },
        { file, callId: 'offline', channels: undefined, model },
      ),
      contentSha256: 'd'.repeat(64),
    };
    const options = { tenant: 'acme', startedAt: new Date('2026-11-01T10:00:00Z') };
    const document = JSON.parse(JSON.stringify({ files: [analysed] }));
    const [imported] = (await importAnalysis(store, document, options)).imported;
    expect(imported.callId).toMatch(/^import-[0-9a-f]{16}$/);
    // JSON of an older analyze (no content hash): no file name either.
    const older = { ...analysed, contentSha256: undefined, file: 'recordings/447700900222.wav' };
    const [fromOlder] = (await importAnalysis(store, JSON.parse(JSON.stringify({ files: [older] })), options))
      .imported;
    expect(fromOlder.callId).toMatch(/^import-[0-9a-f]{16}$/);
    // Imported on 2026-12-05 under `import-<file name>-<hash>`: re-importing keeps that call.
    const named = namedImportId('recordings/0207.wav', 'e'.repeat(64));
    await store.write([
      {
        kind: 'call-start',
        callId: named,
        tenant: 'acme',
        agentId: 'unknown',
        queue: 'import',
        startedAt: '2026-11-01T10:00:00Z',
        consent: { analytics: true, storeFeatures: true },
        source: 'import',
      },
    ]);
    const again = await importAnalysis(
      store,
      JSON.parse(
        JSON.stringify({
          files: [{ ...analysed, file: 'recordings/0207.wav', contentSha256: 'e'.repeat(64) }],
        }),
      ),
      options,
    );
    expect(again.imported[0].callId).toBe(named);
  });

  it('rejects a document that is not analyze output', async () => {
    await expect(importAnalysis(store, { files: [{ nope: true }] })).rejects.toMatchObject({
      code: 'INVALID_ANALYSIS',
    });
  });
});

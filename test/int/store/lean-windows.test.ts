// A speaker window is stored as its extracted columns only: the whole feature object (jsonb,
// 628 of a 728-byte row, read by nothing) is no longer kept (migration 015), and every reader of
// the windows (timeline, CSV export, scorecard) still has what it shows. Both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { BACKENDS } from './backends.ts';

const acme = { tenant: 'acme', agentId: null, teams: null };

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'speaker windows on %s',
  (_name, make) => {
    const fixture = make();
    let store: CallStore;
    beforeAll(async () => {
      await fixture.setup();
      store = await fixture.open();
      const call = syntheticStoreCall({
        callId: 'lean-1',
        durationS: 30,
        angryFromS: 10,
        angryToS: 20,
        seed: 9,
      });
      await store.write(syntheticEvents(call));
      await store.finalizePending(0);
    });
    afterAll(() => fixture.teardown());

    it('keeps the measures in their columns and not the feature object', async () => {
      const rows = await store.backend.query<{ n: number; with_features: number; with_pitch: number }>(
        `SELECT count(*)::int AS n, count(features)::int AS with_features, count(pitch_hz)::int AS with_pitch
       FROM speaker_windows WHERE tenant = 'acme' AND call_id = 'lean-1'`,
      );
      expect(rows[0].n).toBe(58);
      expect(rows[0].with_features).toBe(0);
      expect(rows[0].with_pitch).toBe(58);
      const [column] = await store.backend.query<{ is_nullable: string }>(
        `SELECT is_nullable FROM information_schema.columns
       WHERE table_name = 'speaker_windows' AND column_name = 'features'`,
      );
      expect(column.is_nullable).toBe('YES');
    });

    it('still serves the timeline, the CSV export and the scorecard from the columns', async () => {
      const timeline = await store.getTimeline(acme, 'lean-1', null);
      const customer = timeline.speakers.customer.windows;
      expect(customer.startMs).toHaveLength(29);
      for (const lane of ['pitchHz', 'pitchSt', 'loudnessDbfs', 'syllableRate', 'tension'] as const)
        expect(customer[lane].every((v) => typeof v === 'number')).toBe(true);
      // The angry stretch (10-20 s) is louder and higher: the values are the call's, not defaults.
      const pitchAt = (ms: number) => Number(customer.pitchHz[customer.startMs.indexOf(ms)]);
      expect(pitchAt(14_000)).toBeGreaterThan(pitchAt(2_000) + 30);

      const csv = (await store.exportCsv(acme, 'lean-1')).trim().split('\n');
      expect(csv).toHaveLength(1 + 58);
      const header = csv[0].split(',');
      const first = csv[1].split(',');
      for (const column of ['pitch_hz', 'loudness_dbfs', 'syllable_rate', 'tension'])
        expect(Number.isFinite(Number(first[header.indexOf(column)]))).toBe(true);

      // The scorecard's pace and tension parts read syllable_rate and tension.
      const { scorecard } = await store.getCall(acme, 'lean-1');
      const parts = (scorecard as { parts: { name: string; measure: number | null }[] }).parts;
      for (const name of ['agentPace', 'agentTension'])
        expect(parts.find((p) => p.name === name)?.measure).toEqual(expect.any(Number));
    });
  },
);

// The store ingest's poison isolation without a broker or database: a batch the database refuses
// for one record's content is written record by record and only that record is set aside; a
// failure of the database itself (connection lost) is thrown so the whole batch is retried.
import { describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../../../../services/call-store/events.ts';
import {
  RecordRefusedError,
  writeIsolatingPoison,
} from '../../../../../services/call-store/ingest/isolate-poison.ts';

const event = (callId: string) => ({ kind: 'call-end', callId, tenant: 't' }) as unknown as StoreEvent;
const sqlError = (code: string) => Object.assign(new Error(`refused: secret-agent-name`), { code });

/** A store whose database refuses any transaction holding a call id in `bad`. */
function fakeStore(bad: Set<string>, failure: () => Error) {
  const transactions: string[][] = [];
  return {
    transactions,
    async writeValid(events: readonly StoreEvent[]) {
      transactions.push(events.map((e) => e.callId));
      if (events.some((e) => bad.has(e.callId))) throw failure();
      // A record of call "e" belongs to an erased call: dropped, counted as erased.
      const erased = events.filter((e) => e.callId === 'e').length;
      return { inserted: events.length - erased, duplicates: 0, erased, reused: 0 };
    },
  };
}

describe('writeIsolatingPoison', () => {
  it('writes the good records and sets aside only the one the database refuses', async () => {
    const store = fakeStore(new Set(['b']), () => sqlError('22P05'));
    const out = await writeIsolatingPoison(store, [event('a'), event('b'), event('e'), event('c')]);
    expect([out.inserted, out.erased]).toEqual([2, 1]);
    expect(out.refused.map((r) => [r.index, r.error.code, r.error.sqlState])).toEqual([
      [1, 'STORE_REJECTED', '22P05'],
    ]);
    // The database's message (which may quote a value) is not the dead letter's reason.
    expect(out.refused[0].error.message).not.toMatch(/secret/);
    expect(out.refused[0].error).toBeInstanceOf(RecordRefusedError);
    expect(store.transactions).toEqual([['a', 'b', 'e', 'c'], ['a'], ['b'], ['e'], ['c']]);
  });

  it('writes a clean batch in one transaction', async () => {
    const store = fakeStore(new Set(), () => sqlError('22P05'));
    expect((await writeIsolatingPoison(store, [event('a'), event('c')])).refused).toEqual([]);
    expect(store.transactions).toHaveLength(1);
  });

  it.each([['08006'], ['57P01'], [undefined]])(
    'throws a database failure (SQLSTATE %s) so the batch is retried, not dead-lettered',
    async (code) => {
      const failure = () => (code ? sqlError(code) : new Error('connection terminated'));
      const store = fakeStore(new Set(['a', 'b']), failure);
      await expect(writeIsolatingPoison(store, [event('a'), event('b')])).rejects.toThrow();
      expect(store.transactions).toHaveLength(1);
    },
  );
});

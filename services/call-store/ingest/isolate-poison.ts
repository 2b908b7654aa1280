// Writes a batch of validated events in one transaction and, when the database refuses the batch
// for the data of some record, writes them one by one so that only the records it refuses are set
// aside (to be dead-lettered): one bad record never stalls a partition. I/O: database.
import { CodedError, errorCode } from '../../../pipelines/errors.ts';
import type { StoreEvent } from '../events.ts';
import type { CallStore } from '../store.ts';
import type { WriteResult } from '../store/writes.ts';

/** The database refused this record itself; retrying it can never succeed. */
export class RecordRefusedError extends CodedError<'STORE_REJECTED'> {
  readonly sqlState: string;
  constructor(sqlState: string, options?: { cause?: unknown }) {
    // The database's own message may quote the value (a name, an id): only the SQLSTATE travels.
    super('STORE_REJECTED', `the database refused the record (SQLSTATE ${sqlState})`, options);
    this.sqlState = sqlState;
  }
}

/**
 * SQLSTATE classes caused by a record's content: 22 data exception (NUL, out of range, bad
 * encoding), 23 integrity constraint, 54 program limit. Anything else (connection lost, disk full,
 * serialization) is the database's state, not the record's: the whole batch is retried.
 */
export function refusedForData(error: unknown): string | null {
  const code = errorCode(error, '');
  return /^(22|23|54)[0-9A-Z]{3}$/.test(code) ? code : null;
}

export interface IsolatedWrite extends WriteResult {
  /** Positions in `events` of the records the database refused, with why. */
  refused: { index: number; error: RecordRefusedError }[];
}

export async function writeIsolatingPoison(
  store: Pick<CallStore, 'writeValid'>,
  events: readonly StoreEvent[],
): Promise<IsolatedWrite> {
  if (events.length === 0) return { inserted: 0, duplicates: 0, erased: 0, reused: 0, refused: [] };
  try {
    return { ...(await store.writeValid(events)), refused: [] };
  } catch (error) {
    const state = refusedForData(error);
    if (state === null) throw error;
    if (events.length === 1) {
      return {
        inserted: 0,
        duplicates: 0,
        erased: 0,
        reused: 0,
        refused: [{ index: 0, error: new RecordRefusedError(state, { cause: error }) }],
      };
    }
  }
  // Rare path (a poison record in the batch): one transaction per record, same idempotent writes.
  const out: IsolatedWrite = { inserted: 0, duplicates: 0, erased: 0, reused: 0, refused: [] };
  for (const [index, event] of events.entries()) {
    try {
      const written = await store.writeValid([event]);
      out.inserted += written.inserted;
      out.duplicates += written.duplicates;
      out.erased += written.erased;
      out.reused += written.reused;
    } catch (error) {
      const state = refusedForData(error);
      if (state === null) throw error;
      out.refused.push({ index, error: new RecordRefusedError(state, { cause: error }) });
    }
  }
  return out;
}

// `analyze --store`: writes each analysed file into the call store as its result arrives, one
// import at a time in arrival order, so a recording gets the same QA pages as a live call. A file
// that fails to import is reported and the others go on. I/O: database (PostgreSQL or PGlite).
import { secretSetting } from '../shared/secret-files.ts';
import { resolve } from 'node:path';
import { makeFolders } from '../shared/make-folders.ts';
import type { StoreTarget } from './args.ts';
import { AnalyzeError, describeError } from './errors.ts';
import { pgliteHolders } from './store-lock.ts';
import { PgliteFolderLockedError } from '../shared/pglite-folder-lock.ts';
import { errorText } from '../shared/error-text.ts';
import type { FileResult } from './types.ts';

export interface StoreFailure {
  file: string;
  code: string;
  message: string;
}

export interface StoreSink {
  /** Where the calls go, for printing: `PGlite <folder>` or `PostgreSQL <host/db>` (no credentials). */
  readonly where: string;
  /** Queues one file's result; failed analyses are not stored (they are reported as skipped). */
  add(result: FileResult): void;
  /** Waits for the queued imports and closes the store. */
  finish(): Promise<{ stored: number; failed: StoreFailure[] }>;
}

/** The call store as this command needs it. The command's entry passes the call store's opener
 * (services/call-store/analysis-store.ts): this command depends on no other service's code. */
export interface AnalysisStore {
  importAnalysis(
    analysisJson: unknown,
    target: StoreTarget,
  ): Promise<{ imported: readonly { rejected: number }[] }>;
  close(): Promise<void>;
}

export type OpenAnalysisStore = (location: {
  databaseUrl: string | undefined;
  dataDir: string;
  /** The alert rule files the scorecard's pace line comes from (as the call-store service's). */
  rules: { ALERT_RULES_FILE?: string; ALERT_TENANT_RULES_DIR?: string };
}) => Promise<AnalysisStore>;

export const DEFAULT_STORE_DATA_DIR = '.data/call-store';

/** The PGlite folder (shared/make-folders.ts): a path it cannot create is STORE_OPEN_FAILED naming it. */
function makeFolder(dir: string): void {
  try {
    makeFolders(dir);
  } catch (err) {
    throw new AnalyzeError(
      'STORE_OPEN_FAILED',
      `cannot create the PGlite folder ${dir}: ${errorText(err)}; set STORE_DATA_DIR to a folder you can write`,
      { cause: err },
    );
  }
}

export async function openStoreSink(
  target: StoreTarget,
  env: Record<string, string | undefined>,
  onFailure: (failure: StoreFailure) => void,
  openStore: OpenAnalysisStore,
): Promise<StoreSink> {
  let databaseUrl: string | undefined;
  try {
    databaseUrl = secretSetting(env, 'DATABASE_URL');
  } catch (error) {
    throw new AnalyzeError('BAD_STORE_OPTION', (error as Error).message);
  }
  const dataDir = resolve(env.STORE_DATA_DIR?.trim() || DEFAULT_STORE_DATA_DIR);
  const where = databaseUrl ? `PostgreSQL ${redactUrl(databaseUrl)}` : `PGlite ${dataDir}`;
  if (!databaseUrl) {
    const holders = pgliteHolders(dataDir);
    if (holders.length > 0) {
      throw new AnalyzeError(
        'STORE_LOCKED',
        `the PGlite folder ${dataDir} is in use by process ${holders.join(', ')} (the call-store ` +
          `service?); PGlite allows one process at a time: stop it, or set DATABASE_URL to the ` +
          `PostgreSQL database the service uses`,
      );
    }
    makeFolder(dataDir);
  }
  let store: AnalysisStore;
  try {
    const rules = {
      ALERT_RULES_FILE: env.ALERT_RULES_FILE?.trim() || undefined,
      ALERT_TENANT_RULES_DIR: env.ALERT_TENANT_RULES_DIR?.trim() || undefined,
    };
    store = await openStore({ databaseUrl, dataDir, rules });
  } catch (err) {
    if (err instanceof PgliteFolderLockedError) {
      throw new AnalyzeError(
        'STORE_LOCKED',
        `${err.message}; PGlite allows one process at a time: wait for it, or set DATABASE_URL to a PostgreSQL database`,
        { cause: err },
      );
    }
    const hint = databaseUrl ? 'check DATABASE_URL' : 'is another process using this PGlite folder?';
    throw new AnalyzeError(
      'STORE_OPEN_FAILED',
      `cannot open the call store (${where}): ${errorText(err)}; ${hint}`,
      {
        cause: err,
      },
    );
  }

  let stored = 0;
  const failed: StoreFailure[] = [];
  const fail = (failure: StoreFailure) => {
    failed.push(failure);
    onFailure(failure);
  };
  let queue: Promise<void> = Promise.resolve();
  return {
    where,
    add(result) {
      if (!result.ok) return;
      queue = queue.then(async () => {
        try {
          // Through JSON, as --json writes it: NaN/Infinity become null, which the store accepts.
          // The absolute path: the call id derives from it, so `calls/x.wav` and `./calls/x.wav`
          // (or a run from another folder) are the same call and a re-run adds nothing.
          const doc: unknown = JSON.parse(JSON.stringify({ ...result, file: resolve(result.file) }));
          const { imported } = await store.importAnalysis(doc, target);
          const rejected = imported.reduce((n, call) => n + call.rejected, 0);
          if (rejected > 0) {
            fail({
              file: result.file,
              code: 'EVENTS_REJECTED',
              message: `${rejected} events rejected by the store`,
            });
          } else {
            stored += imported.length;
          }
        } catch (err) {
          fail({ file: result.file, ...describeError(err) });
        }
      });
    },
    async finish() {
      try {
        await queue;
      } finally {
        await store.close();
      }
      return { stored, failed };
    },
  };
}

/** `postgres://user:secret@db:5432/calls?sslmode=…` -> `db:5432/calls`: never print credentials. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(DATABASE_URL)';
  }
}

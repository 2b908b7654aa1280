// Why the store did not open, as one start error naming the setting to look at: drivers throw
// stacks (pg's ECONNREFUSED, PGlite's bare ErrnoError { errno: 2 }) that name neither. Never
// echoes DATABASE_URL (it carries the password). Pure.
import { StoreError } from './errors.ts';
import { errorText } from '../shared/error-text.ts';
import { PgliteFolderLockedError } from '../shared/pglite-folder-lock.ts';

export function storeOpenError(
  config: { DATABASE_URL?: string; STORE_DATA_DIR: string },
  error: unknown,
): StoreError {
  // Already one line that says what to do (a schema a newer release migrated).
  if (error instanceof StoreError) return error;
  if (error instanceof PgliteFolderLockedError) {
    return new StoreError(
      'STORE_LOCKED',
      `${error.message}; PGlite allows one process at a time: stop it, or give each its own STORE_DATA_DIR`,
      [],
      { cause: error },
    );
  }
  const why = errorText(error);
  const where = config.DATABASE_URL
    ? 'the PostgreSQL database of DATABASE_URL'
    : `the PGlite folder STORE_DATA_DIR (${config.STORE_DATA_DIR}: it must be a folder this user can write)`;
  return new StoreError('STORE_OPEN_FAILED', `cannot open ${where}: ${why}`, [], { cause: error });
}

// npm run report:csat — what moves CSAT and NPS, as ONE JSON object on stdout: for every measure
// the call store keeps, Spearman's rho with CSAT and NPS, bootstrap 95 % and simultaneous
// intervals, n, and a cross-validated model of CSAT against a predict-the-mean baseline
// (pipelines/surveys). Reads the store the service uses: DATABASE_URL (PostgreSQL), else the PGlite
// folder STORE_DATA_DIR (default .data/call-store; the service must not hold it open).
// Options: --tenant T (default: every tenant) --from T --to T (calls started in [from, to), ISO
// 8601 times; default: every call) --seed N (1) --resamples N (2000).
import { secretSetting } from '../services/shared/secret-files.ts';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openCallStore } from '../services/call-store/store.ts';
import { PgliteFolderLockedError } from '../services/shared/pglite-folder-lock.ts';
import { errorText } from '../services/shared/error-text.ts';
import { queryTime } from '../services/call-store/store/search.ts';

const USAGE = 'usage: npm run report:csat -- [--tenant T] [--from T] [--to T] [--seed N] [--resamples N]';
let parsed;
try {
  parsed = parseArgs({
    options: {
      tenant: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      seed: { type: 'string', default: '1' },
      resamples: { type: 'string', default: '2000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  process.stderr.write(`report:csat: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const args = parsed.values;
const seed = args.seed.trim() === '' ? Number.NaN : Number(args.seed);
const resamples = Number(args.resamples);
if (!Number.isInteger(seed) || seed < 0 || !Number.isInteger(resamples) || resamples < 100) {
  process.stderr.write('report:csat: --seed must be an integer >= 0 and --resamples an integer >= 100\n');
  process.exit(2);
}
/** An ISO time as the QA API takes it (UTC), or exit 2 naming the option. */
function periodEnd(name: 'from' | 'to', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = queryTime.safeParse(value);
  if (parsed.success) return parsed.data;
  process.stderr.write(
    `report:csat: --${name} must be an ISO 8601 time with its offset (2026-11-01T00:00:00Z)\n`,
  );
  return process.exit(2);
}
const period = { from: periodEnd('from', args.from), to: periodEnd('to', args.to) };
if (period.from && period.to && period.from > period.to) {
  process.stderr.write('report:csat: --from must not be after --to\n');
  process.exit(2);
}
let databaseUrl: string | undefined;
try {
  databaseUrl = secretSetting(process.env, 'DATABASE_URL');
} catch (error) {
  process.stderr.write(`report:csat: ${(error as Error).message}\n`);
  process.exit(2);
}
const dataDir = process.env.STORE_DATA_DIR || '.data/call-store';
// A report reads a store; it never creates an empty one where none was kept.
if (!databaseUrl && !existsSync(dataDir)) {
  process.stderr.write(
    `report:csat: no call store at ${dataDir} (STORE_DATA_DIR; or DATABASE_URL for PostgreSQL): run the call store, or \`voice-analytics analyze <calls> --store\`, first\n`,
  );
  process.exit(2);
}
const store = await openCallStore({ databaseUrl, dataDir: databaseUrl ? undefined : dataDir }).catch(
  (error: unknown) => {
    // The service holding the PGlite folder (STORE_LOCKED) or a database that does not answer:
    // one line, not a stack (never the URL: it carries the password).
    const why =
      error instanceof PgliteFolderLockedError
        ? `${error.message}: stop the call-store service first, or use its QA page (#/reports/csat)`
        : errorText(error);
    process.stderr.write(`report:csat: cannot open the call store: ${why}\n`);
    return process.exit(1);
  },
);
try {
  const report = await store.csatReport(
    { tenant: args.tenant ?? null, agentId: null, teams: null },
    { seed, resamples },
    period,
  );
  const read = { tenant: args.tenant ?? null, from: period.from ?? null, to: period.to ?? null };
  process.stdout.write(`${JSON.stringify({ ...read, ...report })}\n`);
} finally {
  await store.close();
}

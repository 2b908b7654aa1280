// Finds a PostgreSQL server for tests, benchmarks and the demo, the way devkit/kafka finds a broker:
// DATABASE_URL if set, else a throwaway cluster from the installed Debian binaries
// (/usr/lib/postgresql/*/bin) on a free port in a temp dir, else a loud error. I/O: processes, files.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../../pipelines/errors.ts';
import { freePort } from '../free-port.ts';

export interface FoundPostgres {
  readonly source: 'env' | 'local-binaries';
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
}

export class PostgresUnavailableError extends CodedError<'POSTGRES_UNAVAILABLE'> {
  constructor(message: string) {
    super('POSTGRES_UNAVAILABLE', message);
  }
}

/** Newest installed server binaries, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin') : null;
}

/** initdb refuses to run as root: run the binaries as the `postgres` system user then. */
function runPg(bin: string, args: string[], asUser: string | null): { ok: boolean; output: string } {
  const command = asUser ? 'runuser' : bin;
  const argv = asUser ? ['-u', asUser, '--', bin, ...args] : args;
  const result = spawnSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

function systemUserId(name: string): { uid: number; gid: number } | null {
  const probe = spawnSync('id', ['-u', name]);
  const group = spawnSync('id', ['-g', name]);
  if (probe.status !== 0 || group.status !== 0) return null;
  return { uid: Number(String(probe.stdout).trim()), gid: Number(String(group.stdout).trim()) };
}

export async function startLocalPostgres(): Promise<FoundPostgres> {
  const bin = postgresBinDir();
  if (!bin)
    throw new PostgresUnavailableError('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  const isRoot = process.getuid?.() === 0;
  const owner = isRoot ? systemUserId('postgres') : null;
  if (isRoot && !owner) throw new PostgresUnavailableError('running as root and no `postgres` system user');
  const dir = mkdtempSync(join(tmpdir(), 'va-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const asUser = owner ? 'postgres' : null;
  const data = join(dir, 'data');
  const init = runPg(
    join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'va', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    asUser,
  );
  if (!init.ok) throw new PostgresUnavailableError(`initdb failed: ${init.output}`);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=50',
    '-c shared_buffers=128MB',
  ].join(' ');
  const start = runPg(
    join(bin, 'pg_ctl'),
    ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'],
    asUser,
  );
  if (!start.ok) throw new PostgresUnavailableError(`pg_ctl start failed: ${start.output}`);
  const version = runPg(join(bin, 'postgres'), ['--version'], null).output;
  return {
    source: 'local-binaries',
    url: `postgres://va@127.0.0.1:${port}/postgres`,
    version,
    stop: async () => {
      runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], asUser);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function findPostgres(env: NodeJS.ProcessEnv = process.env): Promise<FoundPostgres> {
  const url = env.DATABASE_URL?.trim();
  if (url) return { source: 'env', url, version: 'external', stop: async () => undefined };
  try {
    return await startLocalPostgres();
  } catch (error) {
    throw new PostgresUnavailableError(
      `no PostgreSQL: DATABASE_URL is not set and a local server could not be started ` +
        `(${(error as Error).message}); install Debian's \`postgresql\` package or set DATABASE_URL`,
    );
  }
}

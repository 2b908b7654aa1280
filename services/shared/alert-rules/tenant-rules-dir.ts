// Reads the tenants' alert rule folder (ALERT_TENANT_RULES_DIR): one `<tenant>.yaml` per tenant,
// the name a tenant id as the gateway accepts it. Other names are not rule files: editor swap and
// backup files (`.acme.yaml.swp`, `acme.yaml~`), `acme.yml`, and a mounted ConfigMap's own entries
// (`..data`, `..2026_12_07_…`, which start with two dots). I/O: reads the folder and its files.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TENANT_ID } from '../auth/tenant-claim.ts';
import { ConfigError } from '../config.ts';

export const TENANT_FILE_SUFFIX = '.yaml';

/** One tenant's file as read: its text, or why it could not be read. */
export type TenantFile = { file: string; text: string } | { file: string; error: Error };

export interface TenantFolder {
  files: Map<string, TenantFile>;
  /** Names that are not a tenant's rule file (the ConfigMap's own `..` entries left out). */
  ignored: string[];
}

/** The tenant a file of the folder is for, or null when the name is not `<tenant id>.yaml`. */
export function tenantOfFile(name: string): string | null {
  if (!name.endsWith(TENANT_FILE_SUFFIX)) return null;
  const tenant = name.slice(0, -TENANT_FILE_SUFFIX.length);
  // A hidden file (".acme.yaml": an editor's or a sync tool's copy) is nobody's rules; "." and
  // ".." are valid ids by the characters, but never a tenant anyone named.
  return TENANT_ID.test(tenant) && !tenant.startsWith('.') ? tenant : null;
}

/** The kubelet's entries in a ConfigMap volume: expected, never a mistake to warn about. */
const isMountEntry = (name: string): boolean => name.startsWith('..');

/** Reads every tenant file of the folder; throws when the folder itself cannot be read. */
export async function readTenantFolder(dir: string): Promise<TenantFolder> {
  const names = (await readdir(dir)).sort();
  const files = new Map<string, TenantFile>();
  const ignored: string[] = [];
  for (const name of names) {
    const tenant = tenantOfFile(name);
    if (tenant === null) {
      if (!isMountEntry(name)) ignored.push(name);
      continue;
    }
    const file = join(dir, name);
    try {
      files.set(tenant, { file, text: await readFile(file, 'utf8') });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone since the listing (deleted, or a ConfigMap link to a key removed): no file, as the
      // next listing will say; judged unreadable, its tenant was flagged until another change.
      if (code === 'ENOENT') continue;
      // A folder named acme.yaml is not a rule file either.
      if (code === 'EISDIR') ignored.push(name);
      else files.set(tenant, { file, error: error as Error });
    }
  }
  return { files, ignored };
}

/** The folder at start: one that cannot be read is a CONFIG_INVALID naming it (exit 2), as the rule file. */
export async function loadTenantFolder(dir: string): Promise<TenantFolder> {
  try {
    return await readTenantFolder(dir);
  } catch (error) {
    throw new ConfigError([
      `ALERT_TENANT_RULES_DIR: cannot read folder "${dir}" (${(error as NodeJS.ErrnoException).code})`,
    ]);
  }
}

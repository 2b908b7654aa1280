// `npm run -s check-rules -- [--tenant <id> | --tenant-files] <file> [<file>…]`: judges alert rule
// files the way the alert service does at start and at reload, before they are deployed. The
// service keeps its previous rules when a change is rejected, but a restart with a bad global file
// in place refuses to start (exit 2), so a ConfigMap edit that was only ever "rejected" took every
// tenant's alerts down at the next rollout (admin probe); a bad tenant file leaves that tenant on
// the global rules alone at a restart. A tenant file (ALERT_TENANT_RULES_DIR) is judged as that
// tenant's: --tenant names the tenant, --tenant-files takes it from each file's name as the service
// does. One JSON line per file on stdout: ok, version, rule ids, sha256 (as the service logs it);
// or the stable code and the error naming the rule, field and line. Exit 0 when every file is
// accepted, 2 otherwise. I/O: reads the files, stdout, process exit.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseRuleSetText, parseTenantRuleSetText, type RuleSet } from '../../pipelines/alerts/index.ts';
import { errorCode } from '../../pipelines/errors.ts';
import { TENANT_ID } from '../shared/auth/tenant-claim.ts';
import { parseCli, usageExit } from '../shared/cli-args.ts';
import { rulesDigest } from './rules-in-force.ts';
import { tenantOfFile } from './tenant-rules-dir.ts';

const NAME = 'check-rules';
const USAGE = `usage: npm run -s check-rules -- [--tenant <id> | --tenant-files] <rules.yaml> [<more.yaml>…]
  Validates alert rule files as the alert service does: the global file (ALERT_RULES_FILE) by
  default; with --tenant <id>, each file as that tenant's file in ALERT_TENANT_RULES_DIR; with
  --tenant-files, each as the tenant its name says (<tenant id>.yaml). One JSON line per file;
  exit 0 when all are valid, 2 when one is not.`;

const cli = parseCli(NAME, USAGE, {
  options: { tenant: { type: 'string' }, 'tenant-files': { type: 'boolean' } },
  allowPositionals: true,
});
if (cli.positionals.length === 0) usageExit(NAME, USAGE, 'name at least one rule file');
const { tenant, 'tenant-files': tenantFiles } = cli.values;
if (tenant !== undefined && tenantFiles) usageExit(NAME, USAGE, 'give --tenant or --tenant-files, not both');
if (tenant !== undefined && !TENANT_ID.test(tenant))
  usageExit(NAME, USAGE, `--tenant must be a tenant id (1-64 of A-Z a-z 0-9 _ . -), got "${tenant}"`);

/** The tenant a file is judged for: null for the global file. */
function tenantFor(file: string): string | null {
  if (tenant !== undefined) return tenant;
  if (!tenantFiles) return null;
  const named = tenantOfFile(basename(file));
  if (named === null)
    throw Object.assign(new Error(`file name is not <tenant id>.yaml: the service ignores this file`), {
      code: 'TENANT_FILE_NAME',
    });
  return named;
}

async function judge(file: string): Promise<Record<string, unknown>> {
  const forTenant = tenantFor(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const variable = forTenant === null ? 'ALERT_RULES_FILE' : 'ALERT_TENANT_RULES_DIR';
    throw Object.assign(
      new Error(`${variable}: cannot read file "${file}" (${(error as NodeJS.ErrnoException).code})`),
      { code: 'CONFIG_INVALID' },
    );
  }
  const rules: RuleSet =
    forTenant === null ? parseRuleSetText(text) : parseTenantRuleSetText(text, forTenant);
  return {
    file,
    ok: true,
    ...(forTenant === null ? {} : { tenant: forTenant }),
    version: rules.version,
    rules: rules.rules.map((r) => r.id),
    ...('disabled' in rules ? { switchedOff: rules.disabled } : {}),
    sha256: rulesDigest(text),
  };
}

let failed = 0;
for (const file of cli.positionals) {
  const line = await judge(file).catch((error: unknown) => {
    failed += 1;
    return { file, ok: false, code: errorCode(error, 'RULES_INVALID'), error: (error as Error).message };
  });
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
process.exit(failed > 0 ? 2 : 0);

// `npm run -s check-rules -- [--tenant <id> | --tenant-files] [--global <file>] <file> […]`: judges alert rule
// files the way the alert service does at start and at reload, before they are deployed. The
// service keeps its previous rules when a change is rejected, but a restart with a bad global file
// in place refuses to start (exit 2), so a ConfigMap edit that was only ever "rejected" took every
// tenant's alerts down at the next rollout (admin probe); a bad tenant file leaves that tenant on
// the global rules alone at a restart. A tenant file (ALERT_TENANT_RULES_DIR) is judged as that
// tenant's: --tenant names the tenant, --tenant-files takes it from each file's name as the service
// does. One JSON line per file on stdout: ok, version, rule ids, sha256 (as the service logs it),
// warnings on what is accepted but fragile (a recovery told by its id only); or the stable code
// and the error naming the rule, field and line. Exit 0 when every file is accepted, 2 otherwise.
// I/O: reads the files, stdout, process exit.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  parseRuleSetText,
  parseTenantRuleSetText,
  recoveryByNameWarnings,
  unmatchedSwitchOffs,
  type RuleSet,
  type TenantRuleSet,
} from '../../pipelines/alerts/index.ts';
import { CodedError, errorCode } from '../../pipelines/errors.ts';
import { TENANT_ID } from '../shared/auth/tenant-claim.ts';
import { parseCli, usageExit } from '../shared/cli-args.ts';
import { rulesDigest } from '../shared/alert-rules/rules-in-force.ts';
import { tenantOfFile } from '../shared/alert-rules/tenant-rules-dir.ts';

const NAME = 'check-rules';
const USAGE = `usage: npm run -s check-rules -- [--tenant <id> | --tenant-files] [--global <alert-rules.yaml>] <rules.yaml> [<more.yaml>…]
  Validates alert rule files as the alert service does: the global file (ALERT_RULES_FILE) by
  default; with --tenant <id>, each file as that tenant's file in ALERT_TENANT_RULES_DIR; with
  --tenant-files, each as the tenant its name says (<tenant id>.yaml). With --global, a tenant
  file's switch-offs are matched against that global file (unmatchedSwitchOffs: ids it does not
  have, as the service warns). One JSON line per file; exit 0 when all are valid, 2 when one is not.`;

/** Why a file could not be judged as the service would (its read, its name). */
class CheckRulesError extends CodedError<'CONFIG_INVALID' | 'TENANT_FILE_NAME'> {}

const cli = parseCli(NAME, USAGE, {
  options: { tenant: { type: 'string' }, 'tenant-files': { type: 'boolean' }, global: { type: 'string' } },
  allowPositionals: true,
});
if (cli.positionals.length === 0) usageExit(NAME, USAGE, 'name at least one rule file');
const { tenant, 'tenant-files': tenantFiles, global: globalFile } = cli.values;
if (tenant !== undefined && tenantFiles) usageExit(NAME, USAGE, 'give --tenant or --tenant-files, not both');
if (tenant !== undefined && !TENANT_ID.test(tenant))
  usageExit(NAME, USAGE, `--tenant must be a tenant id (1-64 of A-Z a-z 0-9 _ . -), got "${tenant}"`);

async function readRules(file: string, variable: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code;
    throw new CheckRulesError('CONFIG_INVALID', `${variable}: cannot read file "${file}" (${why})`);
  }
}

/** The global file a tenant file's switch-offs are matched against, as the service logs them. */
let globalRules: RuleSet | null = null;
if (globalFile !== undefined) {
  try {
    globalRules = parseRuleSetText(await readRules(globalFile, 'ALERT_RULES_FILE'));
  } catch (error) {
    const line = { file: globalFile, ok: false, code: errorCode(error, 'RULES_INVALID') };
    process.stdout.write(`${JSON.stringify({ ...line, error: (error as Error).message })}\n`);
    process.exit(2);
  }
}

/** The tenant a file is judged for: null for the global file. */
function tenantFor(file: string): string | null {
  if (tenant !== undefined) return tenant;
  if (!tenantFiles) return null;
  const named = tenantOfFile(basename(file));
  if (named === null)
    throw new CheckRulesError(
      'TENANT_FILE_NAME',
      'file name is not <tenant id>.yaml: the service ignores this file',
    );
  return named;
}

/** Said when --tenant judges a file whose name the service would read as another tenant's. */
function nameWarning(file: string, forTenant: string | null): string | null {
  if (tenant === undefined || forTenant === null) return null;
  const named = tenantOfFile(basename(file));
  return named !== null && named !== forTenant
    ? `judged as ${forTenant}'s; in ALERT_TENANT_RULES_DIR the service reads ${basename(file)} as ${named}'s`
    : null;
}

async function judge(file: string): Promise<Record<string, unknown>> {
  const forTenant = tenantFor(file);
  const text = await readRules(file, forTenant === null ? 'ALERT_RULES_FILE' : 'ALERT_TENANT_RULES_DIR');
  const warning = nameWarning(file, forTenant);
  const rules: RuleSet =
    forTenant === null ? parseRuleSetText(text) : parseTenantRuleSetText(text, forTenant);
  // Accepted, but what a rule does hangs on its id: a rename would change it unsaid.
  const warnings = recoveryByNameWarnings(rules.rules);
  return {
    file,
    ok: true,
    ...(forTenant === null ? {} : { tenant: forTenant }),
    version: rules.version,
    rules: rules.rules.map((r) => r.id),
    ...('disabled' in rules ? { switchedOff: rules.disabled } : {}),
    ...('disabled' in rules && globalRules
      ? { unmatchedSwitchOffs: unmatchedSwitchOffs(globalRules, rules as TenantRuleSet) }
      : {}),
    sha256: rulesDigest(text),
    ...(warning === null ? {} : { warning }),
    ...(warnings.length === 0 ? {} : { warnings }),
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

// `npm run -s check-rules -- <file> [<file>…]`: judges alert rule files the way the alert service
// does at start and at reload, before they are deployed. The service keeps its previous rules when
// a change is rejected, but a restart with the bad file in place refuses to start (exit 2), so a
// ConfigMap edit that was only ever "rejected" took every tenant's alerts down at the next
// rollout (admin probe). One JSON line per file on stdout: ok, version, rule ids, sha256 (as the
// service logs it); or the stable code and the error naming the rule, field and line. Exit 0 when
// every file is accepted, 2 otherwise. I/O: reads the files, stdout, process exit.
import { errorCode } from '../../pipelines/errors.ts';
import { parseCli, usageExit } from '../shared/cli-args.ts';
import { loadRulesFile } from './rules-file.ts';
import { rulesDigest } from './rules-in-force.ts';
import { readFile } from 'node:fs/promises';

const NAME = 'check-rules';
const USAGE = `usage: npm run -s check-rules -- <rules.yaml> [<more.yaml>…]
  Validates alert rule files as the alert service does (ALERT_RULES_FILE). One JSON line per file;
  exit 0 when all are valid, 2 when one is not.`;

const cli = parseCli(NAME, USAGE, { options: {}, allowPositionals: true });
if (cli.positionals.length === 0) usageExit(NAME, USAGE, 'name at least one rule file');

let failed = 0;
for (const file of cli.positionals) {
  try {
    const rules = await loadRulesFile(file);
    const text = await readFile(file, 'utf8');
    const line = {
      file,
      ok: true,
      version: rules.version,
      rules: rules.rules.map((r) => r.id),
      sha256: rulesDigest(text),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } catch (error) {
    failed += 1;
    const line = {
      file,
      ok: false,
      code: errorCode(error, 'RULES_INVALID'),
      error: (error as Error).message,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
process.exit(failed > 0 ? 2 : 0);

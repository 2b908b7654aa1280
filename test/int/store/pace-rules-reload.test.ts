// The call store keeps the agent-too-fast line in force as the rule files change, as the alert
// service does (its agents' page judges a tenant's edit at once): read once at start, a tenant's
// raised limit was judged on the page and not by the scorecard until the call store restarted,
// and a tenant's administrator (who may edit their ConfigMap only) could not restart it.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, expect, it } from 'vitest';
import { keepPaceLines, type PaceLinesInForce } from '../../../services/call-store/pace-rules.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'va-pace-reload-'));
const GLOBAL = join(dir, 'alert-rules.yaml');
const TENANTS = join(dir, 'tenants');
const acmeAt = (limit: number) =>
  `version: 1\nrules:\n  - id: agent-too-fast\n    name: Agent speaking too fast\n    subject: agent\n    when: { metric: articulationRate, gt: ${limit} }\n    minSpeechFraction: 0.5\n    minDurationMs: 15000\n    audience: agent\n    severity: info\n    message: 'Agent pace {articulationRate}'\n`;
let kept: PaceLinesInForce | undefined;
const registry = new Registry();
const gauge = async (name: string, tenant: string) =>
  (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.tenant === tenant)?.value;
afterAll(() => {
  kept?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('applies a tenant’s accepted edit to the next summaries, and keeps the line on a rejected one', async () => {
  writeFileSync(GLOBAL, readFileSync('config/alert-rules.yaml', 'utf8'));
  mkdirSync(TENANTS);
  writeFileSync(join(TENANTS, 'acme.yaml'), acmeAt(9));
  kept = await keepPaceLines(
    { ALERT_RULES_FILE: GLOBAL, ALERT_TENANT_RULES_DIR: TENANTS },
    createLogger({ service: 'pace-reload-test', level: 'error' }),
    registry,
  );
  expect(kept.paceLineOf('acme', '')?.limit).toBe(9);
  expect(kept.paceLineOf('globex', '')?.limit).toBe(7);

  writeFileSync(join(TENANTS, 'acme.yaml'), acmeAt(10));
  await waitFor('the edit', async () => kept!.paceLineOf('acme', '')?.limit === 10, 10_000);

  // A file that does not validate: the line in force stays (as in the alert service).
  writeFileSync(join(TENANTS, 'acme.yaml'), 'version: 1\nrules: [ { id: agent-too-fast, when: nope } ]\n');
  await new Promise((r) => setTimeout(r, 1500));
  expect(kept.paceLineOf('acme', '')?.limit).toBe(10);
  expect(kept.paceLineOf('globex', '')?.limit).toBe(7);
  // The store's own series says so (the alert service's are its own).
  expect(await gauge('va_store_pace_tenant_rules_file_valid', 'acme')).toBe(0);
});

// Tenants' own rule files (ALERT_TENANT_RULES_DIR) through the real alert service and broker: acme's
// file adds a rule that fires on acme's calls only and switches a global rule off for acme alone;
// a broken globex file, changed together with acme's, leaves acme's rules reloading and globex on
// the rules it had (admin probe: one shared file let whoever edits it edit every tenant's rules).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { alertIdsInTopic, emotionRecord, sendEmotion, startHarness, type Harness } from './harness.ts';

const anger = (id: string) => `  - id: ${id}
    name: Anger (${id})
    subject: customer
    when: { state: [angry] }
    minDurationMs: 2000
    audience: both
    severity: info
    message: angry
`;

async function angryCall(h: Harness, tenant: string): Promise<string> {
  const callId = uniqueName(tenant);
  for (let i = 0; i < 8; i++)
    await sendEmotion(h, { ...emotionRecord(callId, 'customer', i, 'angry'), tenant });
  return callId;
}

/** The value of a series of the service's registry (undefined: no such series yet). */
async function metricValue(
  h: Harness,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = h.service.base.metrics.registry.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))?.value;
}

describe("tenants' own rule files in the alert service", () => {
  it("fire for their tenant only, and a broken tenant file stops no other tenant's reload", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-tenant-rules-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const rulesFile = join(dir, 'alert-rules.yaml');
    copyFileSync(new URL('../../../config/alert-rules.yaml', import.meta.url), rulesFile);
    const tenants = join(dir, 'tenants');
    mkdirSync(tenants);
    const acmeFile = join(tenants, 'acme.yaml');
    const globexFile = join(tenants, 'globex.yaml');
    writeFileSync(
      acmeFile,
      `version: a1\nrules:\n${anger('acme-anger')}  - { id: customer-frustration, enabled: false }\n`,
    );
    writeFileSync(globexFile, `version: g1\nrules:\n${anger('globex-anger')}`);
    const h = await startHarness({ ALERT_RULES_FILE: rulesFile, ALERT_TENANT_RULES_DIR: tenants });
    const raised = (rule: string) => async () =>
      (await metricValue(h, 'va_alerts_raised_total', { rule, kind: 'fired' })) ?? 0;

    const [acme1, globex1] = [await angryCall(h, 'acme'), await angryCall(h, 'globex')];
    await expect.poll(raised('acme-anger'), { timeout: 20_000 }).toBe(1);
    await expect.poll(raised('globex-anger'), { timeout: 20_000 }).toBe(1);
    await expect.poll(raised('customer-frustration'), { timeout: 20_000 }).toBe(1);

    // In one change: globex's file broken, acme's rule replaced by another.
    writeFileSync(globexFile, 'version: g2\nrules:\n  - id: globex-anger\n    name: [\n');
    writeFileSync(
      acmeFile,
      `version: a2\nrules:\n${anger('acme-shout')}  - { id: customer-frustration, enabled: false }\n`,
    );
    const valid = (tenant: string) => () => metricValue(h, 'va_alert_tenant_rules_file_valid', { tenant });
    await expect.poll(valid('globex'), { timeout: 5_000 }).toBe(0);
    expect(await valid('acme')()).toBe(1);
    // acme's reload applied: its new rule's count is there (at 0) before any alert of it.
    await expect
      .poll(() => metricValue(h, 'va_alerts_raised_total', { rule: 'acme-shout', kind: 'fired' }), {
        timeout: 5_000,
      })
      .toBe(0);

    const [acme2, globex2] = [await angryCall(h, 'acme'), await angryCall(h, 'globex')];
    await expect.poll(raised('acme-shout'), { timeout: 20_000 }).toBe(1);
    await expect.poll(raised('globex-anger'), { timeout: 20_000 }).toBe(2);
    await expect.poll(raised('customer-frustration'), { timeout: 20_000 }).toBe(2);

    // Which call each alert was for: `${tenant}/${callId}:${subject}:${window}:${ruleId}`.
    const fired = (await alertIdsInTopic(h.topics.alerts))
      .map((id) => id.split(':'))
      .filter((parts) =>
        ['acme-anger', 'acme-shout', 'globex-anger', 'customer-frustration'].includes(parts[3]!),
      )
      .map((parts) => `${parts[0]} ${parts[3]}`)
      .sort();
    expect(fired).toEqual(
      [
        `acme/${acme1} acme-anger`,
        `acme/${acme2} acme-shout`,
        `globex/${globex1} customer-frustration`,
        `globex/${globex1} globex-anger`,
        `globex/${globex2} customer-frustration`,
        `globex/${globex2} globex-anger`,
      ].sort(),
    );
  });
});

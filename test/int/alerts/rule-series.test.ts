// A tenant administrator, who may edit only acme.yaml, grew the service's va_alerts_raised_total{rule}
// series by renaming its rules (200 per reload, never removed; review 2026-12-07).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

const rule = (id: string) =>
  `  - { id: ${id}, name: n, subject: customer, when: { state: [angry] }, audience: both, severity: info, message: m }\n`;
const file = (prefix: string) =>
  `version: 1\nrules:\n${Array.from({ length: 200 }, (_, i) => rule(`${prefix}-${i}`)).join('')}`;

async function series(h: Harness): Promise<number> {
  const metric = h.service.base.metrics.registry.getSingleMetric('va_alerts_raised_total');
  return metric ? (await metric.get()).values.length : 0;
}

async function has(h: Harness, rule: string): Promise<boolean> {
  const metric = h.service.base.metrics.registry.getSingleMetric('va_alerts_raised_total');
  return metric ? (await metric.get()).values.some((v) => v.labels.rule === rule) : false;
}

describe('per-rule alert counts (va_alerts_raised_total)', () => {
  it('drop the series of rules no file has any more: a tenant renaming its rules adds none for good', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-rule-series-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const rulesFile = join(dir, 'alert-rules.yaml');
    copyFileSync(new URL('../../../config/alert-rules.yaml', import.meta.url), rulesFile);
    const tenants = join(dir, 'tenants');
    mkdirSync(tenants);
    const h = await startHarness({ ALERT_RULES_FILE: rulesFile, ALERT_TENANT_RULES_DIR: tenants });
    const base = await series(h);
    for (let round = 0; round < 5; round++) {
      writeFileSync(join(tenants, 'acme.yaml'), file(`r${round}`));
      await expect.poll(() => has(h, `r${round}-199`), { timeout: 5_000 }).toBe(true);
    }
    unlinkSync(join(tenants, 'acme.yaml'));
    // The reload (a debounced folder watch) is waited for as the additions are: on a loaded machine it
    // came after a fixed 1.5 s, with r4's 200 series still there.
    await expect.poll(() => series(h), { timeout: 5_000 }).toBe(base);
  }, 60_000);
});

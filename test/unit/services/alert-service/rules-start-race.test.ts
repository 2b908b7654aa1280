// The service reads its rule files before it boots (Kafka may take minutes), then starts watching
// them: a file changed in between raised no event the watch could see, and ran unnoticed with its
// validity gauge at 1 (review, 2026-12-07). Both the global file and a tenant's file are judged
// again when the watch starts; an unreadable tenant file is judged again only when why changes.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseRuleSetText, type RuleSet } from '../../../../pipelines/alerts/index.ts';
import { createAlertMetrics } from '../../../../services/alert-service/alert-metrics.ts';
import { loadRulesFile } from '../../../../services/shared/alert-rules/rules-file.ts';
import { keepRulesInForce } from '../../../../services/shared/alert-rules/rules-in-force.ts';
import { loadTenantFolder } from '../../../../services/shared/alert-rules/tenant-rules-dir.ts';
import { keepTenantRulesInForce } from '../../../../services/shared/alert-rules/tenant-rules-in-force.ts';
import { createLogger } from '../../../../services/shared/logger.ts';

const rule = (id: string) =>
  `version: 1\nrules:\n  - { id: ${id}, name: n, subject: customer, when: { state: [angry] }, audience: both, severity: info, message: m }\n`;
const quiet = createLogger({ service: 't', write: () => undefined });
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'va-rules-start-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The global file in force from `initial` (what the start read), watched from now on. */
function keepGlobal(path: string, initial: RuleSet) {
  const m = createAlertMetrics(new Registry());
  const rules = keepRulesInForce({
    path,
    initial,
    onApplied: () => undefined,
    reloads: m.reloads,
    fileValid: m.rulesFileValid,
    logger: quiet,
    handleSignals: false,
  });
  onTestFinished(() => rules.close());
  return { rules, m };
}

describe('rule files changed while the service boots', () => {
  it('applies a global file changed after the start read it', async () => {
    const path = join(folder(), 'alert-rules.yaml');
    writeFileSync(path, rule('old-rule'));
    const initial = await loadRulesFile(path);
    writeFileSync(path, rule('new-rule'));
    const { rules } = keepGlobal(path, initial);
    await expect.poll(() => rules.current().rules.map((r) => r.id)).toEqual(['new-rule']);
  });

  it('reloads nothing when the global file still holds the rules read at start', async () => {
    const path = join(folder(), 'alert-rules.yaml');
    writeFileSync(path, rule('same-rule'));
    const { m } = keepGlobal(path, await loadRulesFile(path));
    await settle(300);
    expect((await m.reloads.get()).values).toEqual([]);
  });

  it("applies a tenant's file changed after the start read the folder", async () => {
    const dir = folder();
    writeFileSync(join(dir, 'acme.yaml'), rule('old-rule'));
    const initial = await loadTenantFolder(dir);
    writeFileSync(join(dir, 'acme.yaml'), rule('new-rule'));
    const m = createAlertMetrics(new Registry());
    const rules = keepTenantRulesInForce({
      dir,
      initial,
      global: () => parseRuleSetText(rule('g')),
      onApplied: () => undefined,
      reloads: m.reloads,
      fileValid: m.tenantRulesFileValid,
      logger: quiet,
      handleSignals: false,
      debounceMs: 20,
    });
    onTestFinished(() => rules.close());
    await expect.poll(() => rules.current()[0]?.rules.map((r) => r.id)).toEqual(['new-rule']);
    expect((await m.tenantRulesFileValid.get()).values[0]?.value).toBe(1);
  });

  it('judges an unchanged unreadable tenant file once, not at every other tenant’s edit', async () => {
    const dir = folder();
    symlinkSync('globex.yaml', join(dir, 'globex.yaml')); // a loop: ELOOP, as EACCES would
    const m = createAlertMetrics(new Registry());
    const errors: string[] = [];
    const rules = keepTenantRulesInForce({
      dir,
      initial: await loadTenantFolder(dir),
      global: () => parseRuleSetText(rule('g')),
      onApplied: () => undefined,
      reloads: m.reloads,
      fileValid: m.tenantRulesFileValid,
      handleSignals: false,
      debounceMs: 20,
      logger: createLogger({
        service: 't',
        write: (line) => void (line.includes('"error"') && errors.push(line)),
      }),
    });
    onTestFinished(() => rules.close());
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(dir, 'acme.yaml'), rule(`acme-${i}`));
      await settle(120);
    }
    const rejected = (await m.reloads.get()).values.find((v) => v.labels.outcome === 'rejected')?.value;
    expect({ rejected, errorLines: errors.length }).toEqual({ rejected: 1, errorLines: 1 });
  });
});

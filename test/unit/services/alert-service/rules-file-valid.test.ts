// A rule file that vanished (rejected: gauge 0) and is put back unchanged is judged again: it was
// never, and va_alert_rules_file_valid stayed 0 although the file on disk is the rules in force
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseRuleSetText } from '../../../../pipelines/alerts/index.ts';
import { createAlertMetrics } from '../../../../services/alert-service/alert-metrics.ts';
import { keepRulesInForce } from '../../../../services/shared/alert-rules/rules-in-force.ts';
import { createLogger } from '../../../../services/shared/logger.ts';

describe('va_alert_rules_file_valid', () => {
  it('returns to 1 when a deleted rule file is put back as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-rev-'));
    const file = join(dir, 'rules.yaml');
    const text = readFileSync('config/alert-rules.yaml', 'utf8');
    writeFileSync(file, text);
    const m = createAlertMetrics(new Registry());
    const rules = keepRulesInForce({
      path: file,
      initial: parseRuleSetText(text),
      onApplied: () => {},
      reloads: m.reloads,
      fileValid: m.rulesFileValid,
      logger: createLogger({ service: 't', write: () => {} }),
      handleSignals: false,
    });
    const valid = async () => (await m.rulesFileValid.get()).values[0]?.value;
    try {
      await new Promise((r) => setTimeout(r, 300));
      unlinkSync(file); // an editor / a bad `kubectl cp` / a rename sequence
      await expect.poll(valid, { timeout: 5000 }).toBe(0);
      writeFileSync(file, text); // put back exactly as it was
      await expect.poll(valid, { timeout: 5000 }).toBe(1);
    } finally {
      rules.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The tenants' rule folder (ALERT_TENANT_RULES_DIR) as the service keeps it: each file judged
// alone, a rejected one flagged and its tenant left on its previous rules while the others reload,
// a deleted one taking its tenant back to the global rules, a ConfigMap volume's `..data` swap
// seen, and names that are not `<tenant id>.yaml` ignored with one warning each.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseRuleSetText } from '../../../../pipelines/alerts/index.ts';
import { createAlertMetrics } from '../../../../services/alert-service/alert-metrics.ts';
import { loadAlertServiceConfig } from '../../../../services/alert-service/config.ts';
import { loadTenantFolder, tenantOfFile } from '../../../../services/shared/alert-rules/tenant-rules-dir.ts';
import { keepTenantRulesInForce } from '../../../../services/shared/alert-rules/tenant-rules-in-force.ts';
import { createLogger } from '../../../../services/shared/logger.ts';

const rule = (id: string) =>
  `  - id: ${id}\n    name: ${id}\n    subject: customer\n    when: { state: [angry] }\n    audience: both\n    severity: info\n    message: m\n`;
const file = (...ids: string[]) => `version: 1\nrules:\n${ids.map(rule).join('')}`;
const BROKEN = 'version: 1\nrules:\n  - id: x\n    name: [\n';
const global = parseRuleSetText(file('customer-frustration'));

async function keep(dir: string) {
  const lines: Record<string, unknown>[] = [];
  const m = createAlertMetrics(new Registry());
  let applied = 0;
  const rules = keepTenantRulesInForce({
    dir,
    initial: await loadTenantFolder(dir),
    global: () => global,
    onApplied: () => (applied += 1),
    reloads: m.reloads,
    fileValid: m.tenantRulesFileValid,
    logger: createLogger({ service: 't', write: (line) => lines.push(JSON.parse(line)) }),
    handleSignals: false,
    debounceMs: 20,
  });
  onTestFinished(() => rules.close());
  const valid = async () =>
    Object.fromEntries(
      (await m.tenantRulesFileValid.get()).values.map((v) => [String(v.labels.tenant), v.value]),
    );
  const ids = () =>
    Object.fromEntries(rules.current().map((s) => [s.tenant, [...s.rules.map((r) => r.id), ...s.disabled]]));
  return { rules, lines, valid, ids, applied: () => applied };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'va-tenant-rules-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('tenant rule file names', () => {
  it('are <tenant id>.yaml', () => {
    expect(tenantOfFile('acme.yaml')).toBe('acme');
    expect(tenantOfFile('acme-eu.2.yaml')).toBe('acme-eu.2');
    for (const name of [
      'acme.yml',
      '.acme.yaml.swp',
      'acme.yaml~',
      '..data',
      '..yaml',
      'a b.yaml',
      '.#acme.yaml',
    ])
      expect(tenantOfFile(name)).toBeNull();
  });
});

describe('the tenant rules folder', () => {
  it('starts without a broken file, and reloads each file alone', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'acme.yaml'), file('acme-anger'));
    writeFileSync(join(dir, 'globex.yaml'), BROKEN);
    writeFileSync(join(dir, '.acme.yaml.swp'), 'binary');
    const t = await keep(dir);
    // globex's broken file at start: globex runs the global rules alone, flagged.
    expect(t.ids()).toEqual({ acme: ['acme-anger'] });
    expect(await t.valid()).toEqual({ acme: 1, globex: 0 });
    expect(t.lines.find((l) => l.msg?.toString().includes('rejected'))).toMatchObject({
      tenant: 'globex',
      code: 'RULES_SYNTAX',
      inForce: 'global rules only',
    });

    // globex fixed, acme broken in the same change: globex loads, acme keeps its rules.
    writeFileSync(join(dir, 'globex.yaml'), file('globex-anger', 'customer-frustration'));
    writeFileSync(join(dir, 'acme.yaml'), BROKEN);
    await expect.poll(t.valid, { timeout: 5000 }).toEqual({ acme: 0, globex: 1 });
    expect(t.ids()).toEqual({ acme: ['acme-anger'], globex: ['globex-anger', 'customer-frustration'] });
    expect(t.applied()).toBe(1);
    expect(t.lines.find((l) => l.tenant === 'globex' && l.added)).toMatchObject({
      added: ['globex-anger', 'customer-frustration'],
      removed: [],
      changed: [],
      sha256: expect.stringMatching(/^[0-9a-f]{16}$/),
    });

    // acme's file deleted: back to the global rules, its series gone.
    unlinkSync(join(dir, 'acme.yaml'));
    await expect.poll(t.valid, { timeout: 5000 }).toEqual({ globex: 1 });
    expect(t.ids()).toEqual({ globex: ['globex-anger', 'customer-frustration'] });

    // Added back with a switch-off: loaded, logged with the ids a change added.
    writeFileSync(
      join(dir, 'acme.yaml'),
      'version: 2\nrules:\n  - { id: customer-frustration, enabled: false }\n',
    );
    await expect.poll(t.ids, { timeout: 5000 }).toMatchObject({ acme: ['customer-frustration'] });
    const swp = t.lines.filter((l) => l.name === '.acme.yaml.swp');
    expect(swp).toHaveLength(1);
    expect(swp[0]).toMatchObject({ level: 'warn' });
  });

  it('reloads a tenant file when a ConfigMap volume swaps its ..data link', async () => {
    const dir = tempDir();
    const version = (name: string, acme: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'acme.yaml'), acme);
    };
    version('..2026_12_07_01', file('one'));
    symlinkSync('..2026_12_07_01', join(dir, '..data'));
    symlinkSync('..data/acme.yaml', join(dir, 'acme.yaml'));
    const t = await keep(dir);
    expect(t.ids()).toEqual({ acme: ['one'] });
    version('..2026_12_07_02', file('one', 'two'));
    symlinkSync('..2026_12_07_02', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    const started = Date.now();
    await expect.poll(t.ids, { timeout: 5000, interval: 20 }).toEqual({ acme: ['one', 'two'] });
    // Within the watcher's promise (a debounce of at most 1 s; 20 ms here).
    expect(Date.now() - started).toBeLessThan(1000);
    // The kubelet's own entries are not warned about.
    expect(t.lines.filter((l) => String(l.name ?? '').startsWith('..'))).toEqual([]);
  });

  it('names a folder it cannot read as a configuration problem at start', async () => {
    await expect(loadTenantFolder('/nonexistent/tenant-rules')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: ['ALERT_TENANT_RULES_DIR: cannot read folder "/nonexistent/tenant-rules" (ENOENT)'],
    });
  });

  it('may not be the folder of the global rule file, whose file would be read as a tenant', () => {
    const env = { KAFKA_BROKERS: '127.0.0.1:9092', ALERT_RULES_FILE: '/etc/va/rules/alert-rules.yaml' };
    expect(() => loadAlertServiceConfig({ ...env, ALERT_TENANT_RULES_DIR: '/etc/va/rules/' })).toThrow(
      /ALERT_TENANT_RULES_DIR: must not be the folder of ALERT_RULES_FILE/,
    );
    expect(loadAlertServiceConfig({ ...env, ALERT_TENANT_RULES_DIR: '/etc/va/tenant-rules' })).toMatchObject({
      ALERT_TENANT_RULES_DIR: '/etc/va/tenant-rules',
    });
    expect(loadAlertServiceConfig(env).ALERT_TENANT_RULES_DIR).toBeUndefined();
  });
});

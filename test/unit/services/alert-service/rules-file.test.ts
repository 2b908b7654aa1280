// The alert rule file at start: one that cannot be read is CONFIG_INVALID naming the variable and
// the path (exit 2, as the routing service's), not a bare ENOENT. On change: reloaded when a
// Kubernetes ConfigMap volume swaps its `..data` link (the only name its events carry).
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleSet } from '../../../../pipelines/alerts/index.ts';
import { loadRulesFile, watchRulesFile } from '../../../../services/shared/alert-rules/rules-file.ts';
import { waitFor } from '../../../../services/shared/wait-for.ts';

describe('loadRulesFile', () => {
  it('names an unreadable rule file as a configuration problem', async () => {
    await expect(loadRulesFile('/nonexistent/alert-rules.yaml')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: ['ALERT_RULES_FILE: cannot read file "/nonexistent/alert-rules.yaml" (ENOENT)'],
    });
    expect((await loadRulesFile('config/alert-rules.yaml')).rules.length).toBeGreaterThan(0);
  });

  it('reloads the rules when a ConfigMap volume swaps its ..data link', async () => {
    // The kubelet's layout: alert-rules.yaml -> ..data/alert-rules.yaml, ..data -> ..<timestamp>/;
    // an update writes a new timestamped folder and renames a new link over ..data.
    const dir = mkdtempSync(join(tmpdir(), 'va-rules-'));
    const original = readFileSync('config/alert-rules.yaml', 'utf8');
    const version = (name: string, text: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'alert-rules.yaml'), text);
    };
    version('..2026_12_05_01', original);
    symlinkSync('..2026_12_05_01', join(dir, '..data'));
    symlinkSync('..data/alert-rules.yaml', join(dir, 'alert-rules.yaml'));
    const loaded: RuleSet[] = [];
    const watcher = watchRulesFile(
      join(dir, 'alert-rules.yaml'),
      (rules) => loaded.push(rules),
      () => {},
      20,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const count = (await loadRulesFile(join(dir, 'alert-rules.yaml'))).rules.length;
      // The new version drops the last rule.
      const trimmed = original.slice(0, original.lastIndexOf('\n  - id:')) + '\n';
      version('..2026_12_05_02', trimmed);
      symlinkSync('..2026_12_05_02', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      await waitFor('the swapped rules to load', () => loaded.length > 0, 5000, 20);
      expect(loaded[0].rules.length).toBe(count - 1);
    } finally {
      watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a change within a second while another file of the folder keeps changing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-rules-'));
    const file = join(dir, 'alert-rules.yaml');
    const original = readFileSync('config/alert-rules.yaml', 'utf8');
    writeFileSync(file, original);
    const loaded: RuleSet[] = [];
    const watcher = watchRulesFile(
      file,
      (rules) => loaded.push(rules),
      () => {},
      200,
    );
    // A log or lock file beside it, written every 50 ms (each write restarted the debounce).
    const noise = setInterval(() => writeFileSync(join(dir, 'noise.log'), String(Date.now())), 50);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      writeFileSync(file, original.slice(0, original.lastIndexOf('\n  - id:')) + '\n');
      const t0 = Date.now();
      await waitFor('the changed rules to load', () => loaded.length > 0, 5000, 20);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      clearInterval(noise);
      watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

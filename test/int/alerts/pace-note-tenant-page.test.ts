// The agent page in a real browser under demo's own agent-too-fast rule (gt: 8, a tenant rules
// folder): a pace held at 7.5 reads "good pace", not the shipped 7's "▲ too fast"; once demo
// switches the rule off, the live call's pace shows as a number with no word on it. The view
// model's side is pace-note-tenant-rules.test.ts; this is the page reading paceLimit.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { paceRuleYaml } from '../../support/pace-rule.ts';
import { sendFeatures, startCall, startHarness } from './harness.ts';
import { buildPages, CHROMIUM, launchChromium, signInToWallboard } from '../../support/browser.ts';

describe("the agent page's pace note under a tenant's own rule", () => {
  it('reads "good pace" at 7.5 under demo\'s 8, and no word once demo switches the rule off', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const pages = await buildPages('services/alert-service/web/vite.config.ts');
    const dir = mkdtempSync(join(tmpdir(), 'va-pace-page-'));
    onTestFinished(() => {
      rmSync(pages, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    });
    const rulesFile = join(dir, 'alert-rules.yaml');
    copyFileSync(new URL('../../../config/alert-rules.yaml', import.meta.url), rulesFile);
    const tenants = join(dir, 'tenants');
    mkdirSync(tenants);
    writeFileSync(join(tenants, 'demo.yaml'), `version: d1\nrules:\n${paceRuleYaml()}`);
    const h = await startHarness({
      ALERT_WEB_DIR: pages,
      ALERT_RULES_FILE: rulesFile,
      ALERT_TENANT_RULES_DIR: tenants,
    });
    const browser = await launchChromium({ width: 1280, height: 800 });
    onTestFinished(browser.close);
    const page = await browser.context.newPage();
    await signInToWallboard(page, h.baseUrl, 'agent-1', '**/agent.html');
    await page.getByText('● live').waitFor();

    const callId = uniqueName('pace-page');
    await startCall(h, callId, 'agent-1');
    const note = () => page.locator('#pace-note').textContent();
    const pace = () => page.locator('#pace').textContent();
    let i = 0;
    const windows = async (n: number, rate: number) => {
      for (const end = i + n; i < end; i += 1)
        await sendFeatures(h, callId, 'agent', i, { tension: 0.3, rate });
    };
    await windows(8, 7.5);
    await expect.poll(pace, { timeout: 10_000 }).toContain('7.5');
    // Every window in: the 7 s held over 7 would have read "▲ too fast" (and one "fast for a moment").
    await expect
      .poll(() => h.service.registry.calls().find((c) => c.callId === callId)?.audioMs, { timeout: 10_000 })
      .toBe(9000);
    await expect.poll(note, { timeout: 10_000 }).toBe('good pace');

    writeFileSync(
      join(tenants, 'demo.yaml'),
      'version: d2\nrules:\n  - { id: agent-too-fast, enabled: false }\n',
    );
    await h.service.reloadTenantRules();
    await windows(3, 9.5);
    await expect.poll(pace, { timeout: 10_000 }).toContain('9.5');
    await expect.poll(note, { timeout: 10_000 }).toBe('');
  }, 120_000);
});

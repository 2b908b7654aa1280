// The agent's pace note follows the tenant's own agent-too-fast rule through the real alert
// service, broker, tenant rules folder and WebSocket: demo's file raises the limit to 8 (usual pace
// differs by language: pipelines/alerts/agent-pace.ts), so a pace held at 7.5 is no "too fast"
// while 9 is; switching the rule off in the file takes the warning away from the live call's next
// window. The page had warned at the shipped 7 whatever rule the tenant ran.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { paceRuleYaml } from '../../support/pace-rule.ts';
import { connect, login, sendFeatures, startCall, startHarness, type Frame } from './harness.ts';

const RAISED_TO_8 = `version: d1\nrules:\n${paceRuleYaml('{ metric: articulationRate, gt: 8 }')}`;

interface AgentView {
  pace: number | null;
  paceTooFast: boolean;
  paceLimit?: number | null;
}

describe("the agent page's pace note under a tenant's own rule", () => {
  it("judges the tenant's limit, and a switch-off reaches the live call", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-pace-rules-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const rulesFile = join(dir, 'alert-rules.yaml');
    copyFileSync(new URL('../../../config/alert-rules.yaml', import.meta.url), rulesFile);
    const tenants = join(dir, 'tenants');
    mkdirSync(tenants);
    const demoFile = join(tenants, 'demo.yaml');
    writeFileSync(demoFile, RAISED_TO_8);
    const h = await startHarness({ ALERT_RULES_FILE: rulesFile, ALERT_TENANT_RULES_DIR: tenants });
    const agent = await connect(h, await login(h, 'agent-1'));

    const callId = uniqueName('pace-rule');
    await startCall(h, callId, 'agent-1');
    let i = 0;
    /** The agent's view in the newest state frame about the call, once it has every window sent. */
    const latest = (): AgentView | undefined => {
      const states = agent.frames.filter((f: Frame) => f.type === 'state');
      for (const f of states.reverse()) {
        const call = (f.calls as { callId: string; audioMs: number; agent: AgentView }[] | undefined)?.find(
          (c) => c.callId === callId,
        );
        // Window i - 1, the last sent, ends at (i + 1) s (devkit/records/speaker-window.ts).
        if (call) return call.audioMs >= (i + 1) * 1000 ? call.agent : undefined;
      }
      return undefined;
    };
    const windows = async (n: number, rate: number) => {
      for (const end = i + n; i < end; i += 1)
        await sendFeatures(h, callId, 'agent', i, { tension: 0.3, rate });
    };

    // 7 s at 7.5: over the shipped 7 (the note warned), under demo's 8.
    await windows(8, 7.5);
    await expect
      .poll(latest, { timeout: 15_000 })
      .toMatchObject({ pace: 7.5, paceTooFast: false, paceLimit: 8 });
    // Held over demo's own limit: the warning.
    await windows(8, 9);
    await expect
      .poll(latest, { timeout: 15_000 })
      .toMatchObject({ pace: 9, paceTooFast: true, paceLimit: 8 });

    // demo switches the rule off: the live call's next windows carry no warning, the pace still.
    writeFileSync(demoFile, 'version: d2\nrules:\n  - { id: agent-too-fast, enabled: false }\n');
    await h.service.reloadTenantRules();
    await windows(3, 9.5);
    await expect
      .poll(latest, { timeout: 15_000 })
      .toMatchObject({ pace: 9.5, paceTooFast: false, paceLimit: null });
  }, 120_000);
});

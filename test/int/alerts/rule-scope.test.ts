// A rule limited to a queue judges only that queue's calls, through the real alert service: the
// queue comes from the call's start on va.calls.v1, the tenant from the record (admin probe: a
// rule added "for acme's billing line" fired on every tenant's calls).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { connect, emotionRecord, login, sendEmotion, startCall, startHarness } from './harness.ts';

describe('rules limited to queues in the alert service', () => {
  it('raise the alert on the named queue only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-scope-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'rules.yaml');
    copyFileSync(new URL('../../../config/alert-rules.yaml', import.meta.url), file);
    // customer-frustration for the billing queue only, held 2 s.
    const text = readFileSync(file, 'utf8').replace(
      /minDurationMs: \d+/,
      'minDurationMs: 2000\n    queues: [billing-queue]',
    );
    // And an unscoped rule held longer: its alert on the sales call shows that call's windows were
    // judged past the point where the scoped rule would have fired (same call, same partition).
    writeFileSync(
      file,
      `${text}
  - id: any-anger
    name: Anger anywhere
    subject: customer
    when: { state: [angry] }
    minDurationMs: 4000
    audience: supervisor
    severity: info
    message: angry
`,
    );
    const h = await startHarness({ ALERT_RULES_FILE: file });
    const client = await connect(h, await login(h, 'supervisor'));
    const [billing, sales] = [uniqueName('billing'), uniqueName('sales')];
    await startCall(h, billing, 'agent-1', '', 'billing-queue');
    await startCall(h, sales, 'agent-2', '', 'sales-queue');
    // Both starts are in the registry before any window (else the queue is not known yet).
    const liveCalls = async () =>
      (await h.service.base.metrics.registry.getSingleMetric('va_alert_live_calls')!.get()).values[0]
        ?.value ?? 0;
    await expect.poll(liveCalls, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 8; i++)
      for (const callId of [sales, billing])
        await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    const alertOf = (ruleId: string, callId: string) => (f: { type: string; alert?: unknown }) =>
      f.type === 'alert' &&
      (f.alert as AlertView).ruleId === ruleId &&
      (f.alert as AlertView).callId === callId;
    await client.waitFor(alertOf('customer-frustration', billing));
    await client.waitFor(alertOf('any-anger', sales));
    expect(client.frames.filter(alertOf('customer-frustration', sales))).toEqual([]);
  });
});

// The scorecard's agentPace judges the agent-too-fast line of the call's tenant and queue, read
// from the alert service's own rule files by the call store (pace-rules.ts) and judged by the same
// pace-line.ts the agent's page uses: a tenant whose own file raises the limit to 9 gets a pace of
// 8 syllables/s judged within the line, as its agents' page does, where the global 7 judges it
// too fast; a tenant who switched the rule off gets no pace part. Both databases.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './backends.ts';
import { createCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { loadPaceLines } from '../../../services/call-store/pace-rules.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import type { PaceLineOf } from '../../../pipelines/alerts/pace-line.ts';

const dir = mkdtempSync(join(tmpdir(), 'va-pace-rules-'));
const GLOBAL = join(dir, 'alert-rules.yaml');
const TENANTS = join(dir, 'tenants');
let paceLineOf: PaceLineOf;

beforeAll(async () => {
  writeFileSync(GLOBAL, readFileSync('config/alert-rules.yaml', 'utf8'));
  mkdirSync(TENANTS);
  // acme: its agents speak a faster language (agent-pace.ts): the rule's limit raised to 9.
  writeFileSync(
    join(TENANTS, 'acme.yaml'),
    `version: 1\nrules:\n  - id: agent-too-fast\n    name: Agent speaking too fast\n    subject: agent\n    when: { metric: articulationRate, gt: 9 }\n    minSpeechFraction: 0.5\n    minDurationMs: 15000\n    audience: agent\n    severity: info\n    message: 'Agent pace {articulationRate}'\n`,
  );
  writeFileSync(
    join(TENANTS, 'initech.yaml'),
    'version: 1\nrules:\n  - { id: agent-too-fast, enabled: false }\n',
  );
  paceLineOf = await loadPaceLines({ ALERT_RULES_FILE: GLOBAL, ALERT_TENANT_RULES_DIR: TENANTS }, console);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A call whose agent speaks at 8 syllables per second of speech throughout. */
function callAt8(tenant: string): StoreEvent[] {
  const call = syntheticStoreCall({ callId: 'call-1', tenant, agentId: 'agent-1', durationS: 60 });
  const body = call.body.map((e) =>
    e.kind === 'features' && e.channel === 'agent'
      ? { ...e, speechFraction: 0.9, pace: { ...e.pace, syllableRate: 8 * 0.9 } }
      : e,
  );
  return [call.start, ...body, call.end];
}

describeEachBackend('the scorecard pace line per tenant on %s', (opened) => {
  let store: CallStore;
  beforeAll(async () => {
    // The database of the suite, with the call store's pace lines as main.ts wires them.
    store = createCallStore(opened().backend, { paceLineOf });
    for (const tenant of ['acme', 'globex', 'initech']) await store.write(callAt8(tenant));
    await store.finalizePending(0);
  });

  const paceOf = async (tenant: string) => {
    const got = await store.getCall({ tenant, agentId: null, teams: null }, 'call-1');
    const summary = got.summary as { agentPaceCompliance: number | null; agentPaceLimit: number | null };
    const parts = (got.scorecard as { parts: { name: string; value: number | null; explanation: string }[] })
      .parts;
    return { summary, part: parts.find((p) => p.name === 'agentPace') };
  };

  it('judges a tenant’s own raised limit, as its agents’ page does', async () => {
    expect(paceLineOf('acme', '')?.limit).toBe(9);
    const { summary, part } = await paceOf('acme');
    expect(summary).toMatchObject({ agentPaceCompliance: 1, agentPaceLimit: 9 });
    expect(part).toMatchObject({ value: 1 });
    expect(part?.explanation).toMatch(/at or below 9 syllables per second/);
  });

  it('judges the global line for a tenant without its own rule', async () => {
    const { summary, part } = await paceOf('globex');
    expect(summary).toMatchObject({ agentPaceCompliance: 0, agentPaceLimit: 7 });
    expect(part?.explanation).toMatch(/at or below 7 syllables per second/);
  });

  it('leaves the pace unscored where the tenant switched the rule off', async () => {
    expect(paceLineOf('initech', '')).toBeNull();
    const { summary, part } = await paceOf('initech');
    expect(summary).toMatchObject({ agentPaceCompliance: null, agentPaceLimit: null });
    expect(part).toMatchObject({ value: null });
  });
});

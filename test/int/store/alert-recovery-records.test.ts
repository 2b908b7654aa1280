// A recovery is what its rule says it is (`endsEarlierAlerts`), not what its id happens to read:
// the rules engine judges a call with a tenant's rules, each alert goes onto va.alerts.v1 as
// alert-records.ts encodes it, and the store takes it through its record mapping. A record from an
// alert service before the field (no rule_role) keeps the old reading by the rule id.
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './backends.ts';
import { emotion, engineWith, range, run } from '../../unit/pipelines/alerts/helpers.ts';
import { alertRecordCodec, toAlertRecord } from '../../../services/alert-service/alert-records.ts';
import { decodeStoreRecord } from '../../../services/call-store/ingest/map-records.ts';
import { parseStoreEvent, type StoreEvent } from '../../../services/call-store/events.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { parseRuleSetText } from '../../../pipelines/alerts/index.ts';

const startedAt = new Date(Date.now() - 3_600_000);
const SHIPPED = readFileSync(new URL('../../../config/alert-rules.yaml', import.meta.url), 'utf8');
/** The shipped rules with the recovery renamed and its `endsEarlierAlerts` line as given. */
const rulesWith = (id: string, endsLine: string) =>
  parseRuleSetText(
    SHIPPED.replace('- id: customer-recovered', `- id: ${id}`).replace(
      '    endsEarlierAlerts: true\n',
      endsLine,
    ),
  );

/** The engine's alerts of an angry-then-calm call, as the store ingests their records. */
function alertEvents(
  tenant: string,
  rules: ReturnType<typeof parseRuleSetText>,
  asOldService = false,
): StoreEvent[] {
  const seq = range(0, 40).map((i) =>
    i < 12 ? emotion(i, 'customer', 'angry') : emotion(i, 'customer', 'neutral', { arousal: 0.3 }),
  );
  const owner = { tenant, agentId: 'agent-1', team: '', queue: '' };
  return run(engineWith(rules), seq).map((alert) => {
    const firedAtMs = startedAt.getTime() + alert.audioMs + 500;
    const record = toAlertRecord(alert, owner, { firedAtMs, audioCompletedAtMs: firedAtMs });
    // An alert service from before field 28 sent no rule role.
    if (asOldService) delete record.ruleRole;
    return parseStoreEvent(
      decodeStoreRecord('alerts', alertRecordCodec.encode(record), alertRecordCodec.headers()),
    );
  });
}

const CALLS = {
  // A tenant's recovery under a name of its own, said to end earlier alerts.
  renamed: alertEvents('renamed', rulesWith('customer-calm-again', '    endsEarlierAlerts: true\n')),
  // The old reading: an old alert service's record of the shipped rule (no rule role).
  old: alertEvents('old', rulesWith('customer-recovered', '    endsEarlierAlerts: true\n'), true),
  // A rule whose id reads "recovered" but which says it ends nothing.
  declined: alertEvents('declined', rulesWith('customer-recovered', '    endsEarlierAlerts: false\n')),
};

describeEachBackend('recoveries as their rule says on %s', (opened) => {
  let store: CallStore;
  beforeAll(async () => {
    store = opened();
    for (const [tenant, alerts] of Object.entries(CALLS)) {
      const call = syntheticStoreCall({
        callId: 'call-1',
        tenant,
        agentId: 'agent-1',
        startedAt,
        durationS: 60,
      });
      await store.write([call.start, ...alerts, call.end]);
    }
  });

  const endsOf = async (tenant: string) => {
    const got = await store.getCall({ tenant, agentId: null, teams: null }, 'call-1');
    return Object.fromEntries(got.alerts.map((a) => [a.ruleId, a.lifecycle.ended]));
  };

  it('raises a frustration alert and a recovery on each call', () => {
    for (const alerts of Object.values(CALLS))
      expect(alerts.map((a) => (a as { ruleId: string }).ruleId)).toHaveLength(2);
  });

  it('ends the frustration by a renamed recovery that says it ends earlier alerts', async () => {
    const ends = await endsOf('renamed');
    expect(ends['customer-frustration']).toMatchObject({
      reason: 'RECOVERED',
      alertId: expect.stringMatching(/:customer-calm-again$/),
    });
    const got = await store.getCall({ tenant: 'renamed', agentId: null, teams: null }, 'call-1');
    expect(got.alerts.map((a) => [a.ruleId, a.endsEarlierAlerts])).toEqual([
      ['customer-frustration', false],
      ['customer-calm-again', true],
    ]);
  });

  it('reads a record without the field by the rule id, as before', async () => {
    const ends = await endsOf('old');
    expect(ends['customer-frustration']).toMatchObject({ reason: 'RECOVERED' });
    const got = await store.getCall({ tenant: 'old', agentId: null, teams: null }, 'call-1');
    expect(got.alerts.map((a) => a.endsEarlierAlerts)).toEqual([null, null]);
  });

  it('does not end the frustration by a "recovered" rule that says it ends nothing', async () => {
    const ends = await endsOf('declined');
    expect(ends['customer-frustration']).toMatchObject({ reason: 'CALL_ENDED' });
  });
});

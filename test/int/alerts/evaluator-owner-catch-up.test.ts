// An alert-service instance that joins the evaluator group (a rolling deploy, a scale-out) must not
// judge calls before its fan-out has read their starts: the alert record takes its agent, team and
// queue from the fan-out's registry, and a call it has not read yet read as "no owner" (alerts
// stored and routed with no agent or team, queue-limited rules not judged).
import { describe, expect, it } from 'vitest';
import { sendRecords } from '../../../services/shared/producer.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  alertRecordsInTopic,
  emotionRecord,
  prepareHarness,
  sendEmotion,
  startCall,
  startInstance,
} from './harness.ts';
import { uniqueName } from '../../support/kafka.ts';

describe('an evaluator joining beside a fan-out still catching up', () => {
  it("fires a live call's alert to the call's agent and team, not to no one", async () => {
    const { env: _env, ...prepared } = await prepareHarness();
    // Retention of va.calls.v1 holds many earlier calls: the fan-out reads them all at its start.
    const earlier = uniqueName('earlier');
    for (let batch = 0; batch < 30; batch += 1) {
      await sendRecords(
        prepared.producer,
        Array.from({ length: 10_000 }, (_, i) =>
          callEnded(prepared.topics.calls, `${earlier}-${batch}-${i}`),
        ),
      );
    }
    const callId = uniqueName('call');
    await startCall(prepared, callId, 'agent-1', 'team-a');
    for (let i = 0; i < 6; i += 1) await sendEmotion(prepared, emotionRecord(callId, 'customer', i, 'angry'));
    await startInstance(prepared);
    const frustration = await waitFor(
      'the frustration alert',
      async () =>
        (await alertRecordsInTopic(prepared.topics.alerts)).find(
          (a) => a.callId === callId && a.ruleId === 'customer-frustration',
        ),
      60_000,
      500,
    );
    expect({ agentId: frustration.agentId, team: frustration.team, queue: frustration.queue }).toEqual({
      agentId: 'agent-1',
      team: 'team-a',
      queue: 'billing-queue',
    });
  }, 120_000);
});

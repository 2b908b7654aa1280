// The call store's Kafka ingest against a real broker and both databases: a call streamed as
// the live pipeline's records is stored with every window once, replays change nothing, bad
// records go to the dead-letter topic with their reason while the rest is written.
import { expect, it, onTestFinished } from 'vitest';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { deadLetterCodec, featureWindowCodec } from '../../../services/shared/index.ts';
import { uniqueName } from '../../support/kafka.ts';
import { createStoreTopics, storeIngestOn } from '../../support/store-ingest.ts';
import { describeEachBackendOnKafka } from './backends.ts';
import { toKafka } from '../../../devkit/records/store-records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { agentTeamKey } from '../../../services/shared/auth/users.ts';

describeEachBackendOnKafka('call-store ingest on %s', 'call-store-test', (deps) => {
  it('stores a streamed call with every window once and dead-letters bad records', async () => {
    const { store, kafka, producer } = deps();
    const on = await createStoreTopics(kafka);
    const { topics, deadTopic } = on;
    const call = syntheticStoreCall({
      callId: `live-${uniqueName('c')}`,
      durationS: 90,
      team: 'billing',
      angryFromS: 30,
      angryToS: 60,
      alert: true,
      ackAfterS: 5,
      holdFromS: 70,
      holdToS: 80,
    });
    const events = syntheticEvents(call);
    const windows = call.body.filter((e) => e.kind === 'features').length;
    for (const batch of toKafka(events, topics)) await producer.send(batch);
    // A corrupt value, a well-formed record with an impossible value (refused at decode), and a
    // valid window whose key names another call (refused by the store: INVALID_RECORD).
    const [misKeyed] = toKafka([call.body[0]], topics)[0].messages;
    await producer.send({
      topic: topics.features,
      messages: [
        {
          key: call.start.callId,
          value: Buffer.from('not protobuf'),
          headers: featureWindowCodec.headers(),
        },
        ...toKafka(
          [
            {
              ...(call.body[0] as Extract<(typeof call.body)[0], { kind: 'features' }>),
              windowIndex: 999,
              speechFraction: 7,
            },
          ],
          topics,
        )[0].messages,
        { ...misKeyed, key: 'acme/another-call' },
      ],
    });
    const ingest = storeIngestOn(on, { kafka, producer, store }, 'call-store-test');
    await ingest.start();
    try {
      const count = async () =>
        (
          await store.backend.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM speaker_windows WHERE call_id = $1`,
            [call.start.callId],
          )
        )[0].n;
      await waitFor(
        'every window',
        async () => (await count()) >= windows && ingest.totals().deadLettered >= 3,
        60_000,
      );
      // The pipeline replays the whole call (crash, rebalance): nothing changes.
      const before = ingest.totals().records;
      for (const batch of toKafka(events, topics)) await producer.send(batch);
      await waitFor(
        'the replay to be consumed',
        async () => ingest.totals().records >= before + events.length,
        60_000,
      );
      expect(await count()).toBe(windows);
      expect(ingest.totals().deadLettered).toBe(3);
      await store.finalizePending(0);
      const stored = await store.getCall({ tenant: 'acme', agentId: null, teams: null }, call.start.callId);
      expect(stored.status).toBe('ended');
      // Why it ended, from the call's end record (a QA reviewer tells a transfer from a hang-up).
      expect(stored.endReason).toBe('hangup');
      // Its 10 s on hold, once across the overlapping windows, as one hold (migration 017).
      expect(stored.summary).toMatchObject({ holdS: 10, holdCount: 1 });
      // The customer's speech is their turns 10-20, 30-40, 50-60 s: the windows on hold (their
      // turn 70-80 s, "uncertain", not judged) are not (41 s, and a calmer call, before: review).
      expect(stored.summary).toMatchObject({ customerEmotionS: 30 });
      expect(stored.alerts).toHaveLength(1);
      expect(stored.alerts[0].acknowledgement).not.toBeNull();
      // The customer's angry windows in 30-60 s, each owning its time up to the next event (a
      // turn's last one no longer owns its whole 2-s window: this read 21+ before).
      expect(stored.customerAngerS).toBe(20);
      // CallEvent.team on va.calls.v1 scopes the call to its team's supervisors.
      const team = (teams: string[]) => ({ tenant: 'acme', agentId: null, teams });
      expect((await store.getCall(team(['billing']), call.start.callId)).callId).toBe(call.start.callId);
      await expect(store.getCall(team(['support']), call.start.callId)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const timeline = await store.getTimeline(
        { tenant: 'acme', agentId: null, teams: null },
        call.start.callId,
        null,
      );
      expect(timeline.speakers.customer.windows.windowIndex).toEqual([...Array(windows / 2).keys()]);
    } finally {
      await ingest.stop();
    }
    // The dead letters name their reasons.
    const reader = kafka.consumer({ groupId: uniqueName('dl-reader') });
    await reader.connect();
    await reader.subscribe({ topic: deadTopic, fromBeginning: true });
    const codes: string[] = [];
    await reader.run({
      eachMessage: async ({ message }) =>
        void codes.push(deadLetterCodec.decode(message.value, message.headers as never).reasonCode),
    });
    await waitFor('dead letters', async () => codes.length >= 3, 60_000);
    await reader.disconnect();
    expect(codes.sort()).toEqual(['DECODE_FAILED', 'DECODE_FAILED', 'INVALID_RECORD']);
  });

  it("files a call started without a team under its agent's team of the users file, as the wallboard does", async () => {
    const { store, kafka } = deps();
    const on = await createStoreTopics(kafka);
    const without = syntheticStoreCall({ callId: uniqueName('no-team'), agentId: 'agent-7', durationS: 5 });
    const own = syntheticStoreCall({
      callId: uniqueName('own-team'),
      agentId: 'agent-7',
      team: 'support',
      durationS: 5,
    });
    // A producer of its own: the shared one still knows the topics the test before deleted, and
    // its metadata refreshes fail on them (kafkajs keeps every topic it produced to).
    const ownProducer = kafka.producer();
    await ownProducer.connect();
    onTestFinished(() => ownProducer.disconnect());
    for (const call of [without, own])
      for (const batch of toKafka(syntheticEvents(call), on.topics)) await ownProducer.send(batch);
    // What the users file gives (teamsOfAgents): agent-7 of acme is in billing.
    const teamOfAgent = new Map([[agentTeamKey('acme', 'agent-7'), 'billing']]);
    const ingest = storeIngestOn(on, { kafka, producer: ownProducer, store, teamOfAgent }, 'call-store-test');
    await ingest.start();
    try {
      const billing = { tenant: 'acme', agentId: null, teams: ['billing'] };
      await waitFor(
        'the call without a team, filed under billing',
        async () =>
          store.getCall(billing, without.start.callId).then(
            () => true,
            () => false,
          ),
        60_000,
      );
      // Listed with its team, and found by it (a team lead's review list).
      const found = await store.searchCalls(
        { tenant: 'acme', agentId: null, teams: null },
        { team: 'billing', sort: 'startedAt', order: 'desc', limit: 50 },
      );
      const ours = found.calls.filter((c) => [without.start.callId, own.start.callId].includes(c.callId));
      expect(ours.map((c) => [c.callId, c.team])).toEqual([[without.start.callId, 'billing']]);
      // A team the call names is kept.
      await waitFor(
        'the call with its own team',
        async () =>
          store.getCall({ ...billing, teams: ['support'] }, own.start.callId).then(
            () => true,
            () => false,
          ),
        60_000,
      );
    } finally {
      await ingest.stop();
    }
  });
});

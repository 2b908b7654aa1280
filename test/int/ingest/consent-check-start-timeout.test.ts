// A CallStart whose consent check outlasts what is left of CALL_START_TIMEOUT_MS, over real gRPC
// and the real broker: the calls topic is deleted, so the gateway cannot read the log ends its
// check waits for (the admin retries the unknown topic) and the check runs to
// CONSENT_CHECK_MAX_MS. The start came, so the check decides: a resume is refused UNAVAILABLE
// CONSENT_UNCONFIRMED (retryable), a new call goes on. Both had been refused DEADLINE_EXCEEDED
// CALL_START_TIMEOUT ("no CallStart") when the stream's start deadline passed during the check.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { gatewayForFile, stereoCallStart, topicAway, writeStereoFrames } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
const kafka = testKafka();
const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  BATCH_MAX_DELAY_MS: '40',
  CALL_START_TIMEOUT_MS: '1000',
  CONSENT_CHECK_MAX_MS: '2000',
});

/** Runs `run` while the calls topic is away (the check's log-end request retries it). */
async function withCallsTopicAway<T>(run: () => Promise<T>): Promise<T> {
  const callsTopic = await topicAway(kafka, topics.calls);
  try {
    return await run();
  } finally {
    await callsTopic.restore();
  }
}

describe('a CallStart held by a consent check longer than CALL_START_TIMEOUT_MS', () => {
  it('refuses a resume CONSENT_UNCONFIRMED, not CALL_START_TIMEOUT', async () => {
    const result = await withCallsTopicAway(async () => {
      const stream = openCallStream(suite.client, TOKEN);
      // A resume: its call began 10 minutes ago.
      await stream.write(
        stereoCallStart(uniqueName('resume').replace('.', '-'), { startTimeMs: Date.now() - 600_000 }),
      );
      return stream.result;
    });
    expect([result.code, result.details]).toEqual([
      grpc.status.UNAVAILABLE,
      expect.stringMatching(/^CONSENT_UNCONFIRMED/),
    ]);
  }, 30_000);

  it('takes a new call once the check gave up', async () => {
    const stream = openCallStream(suite.client, TOKEN);
    await withCallsTopicAway(async () => {
      await stream.write(stereoCallStart(uniqueName('new').replace('.', '-')));
      await writeStereoFrames(stream, 10);
      // Past the start deadline (1 s) and the check (2 s) while the topic is away.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    });
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect([result.code, result.details]).toEqual([grpc.status.OK, expect.anything()]);
    expect(result.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', framesAccepted: 20 });
  }, 30_000);
});

// The routing-service through a step of its host's wall clock: a call's idleness
// (ROUTING_CALL_IDLE_MS) was timed on the wall clock, so a step forward past it freed every live
// call at the next sweep, expired at the stepped time: every later window, made by hosts whose
// clocks were right and so "before the expiry", was then dropped as late, and the calls made no
// hint for as long as the step. The README ("Clocks") says an NTP step frees no call. Real broker;
// Date.now of the process is stepped, the records are stamped with the true time (their makers'
// clocks are right).
import { describe, expect, it, onTestFinished } from 'vitest';
import { startRoutingService } from '../../../services/routing-service/routing-service.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { callStarted, emotionOut, emotionRecord } from '../../../devkit/records/alert-records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { pseudonymOf } from '../../support/pseudonym.ts';
import { routingTestConfig } from './routing-env.ts';
import { realNow, steppableWallClock } from '../../support/wall-clock-step.ts';

const wallClock = steppableWallClock();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('routing-service: a live call through a step of the host clock', () => {
  it('keeps the call when the clock steps forward past ROUTING_CALL_IDLE_MS', async () => {
    const kafka = testKafka();
    const { topics, config } = await routingTestConfig(kafka, uniqueName('rc'), {
      ROUTING_CALL_IDLE_MS: '6000',
    });
    const service = await startRoutingService(config, {
      handleSignals: false,
      fromBeginning: true,
      logger: createLogger({ service: 'routing-service', level: 'error' }),
    });
    onTestFinished(() => service.stop('test finished'));
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const calls = async () =>
      (await service.base.metrics.registry.getSingleMetric('va_routing_calls')?.get())?.values[0]?.value;
    const window = (i: number) =>
      emotionOut(topics.emotions, emotionRecord('call-live', 'customer', i, 'sad', realNow()));

    await sendRecords(producer, [
      callStarted(topics.calls, 'call-live', 'agent-1', 'billing', 'billing', pseudonymOf('7')),
      window(0),
    ]);
    await expect.poll(calls, { timeout: 30_000 }).toBe(1);
    wallClock.stepMs = 2 * 60_000;
    // The call goes on, a window a second (fewer than ROUTING_CALL_IDLE_MS apart).
    for (let i = 1; i <= 4; i += 1) {
      await sleep(1_000);
      await sendRecords(producer, [window(i)]);
    }
    await sleep(500);
    expect(await calls()).toBe(1);
  });
});

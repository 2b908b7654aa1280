// Every millisecond setting of every service is bounded below 2^31 ms: Node runs a longer timer
// delay after 1 ms (TimeoutOverflowWarning), so RETENTION_INTERVAL_MS=3000000000 made the call
// store purge in a busy loop. Settings that are not timers (a Kafka topic's retention) are named.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { alertServiceEnv } from '../../../../services/alert-service/config.ts';
import { callStoreEnv } from '../../../../services/call-store/config.ts';
import { dspWorkerEnv } from '../../../../services/dsp-worker/config.ts';
import { emotionClassifierEnv } from '../../../../services/emotion-classifier/config.ts';
import { gatewayEnv } from '../../../../services/ingest-gateway/config.ts';
import { audiohookEnv } from '../../../../services/ingest-gateway/audiohook/config.ts';
import { l16wsEnv } from '../../../../services/ingest-gateway/l16ws/config.ts';
import { twilioEnv } from '../../../../services/ingest-gateway/twilio-config.ts';
import { routingServiceEnv } from '../../../../services/routing-service/config.ts';

/** Broker-side durations, never a Node timer. */
const NOT_TIMERS = new Set(['EVENT_RETENTION_MS']);
const TIMER_OVERFLOW = String(2 ** 31);

const schemas: Record<string, z.ZodObject> = {
  alertServiceEnv,
  callStoreEnv,
  dspWorkerEnv,
  emotionClassifierEnv,
  gatewayEnv,
  audiohookEnv,
  l16wsEnv,
  twilioEnv,
  routingServiceEnv,
};

describe('millisecond settings', () => {
  it('refuse 2^31 ms and more', () => {
    const unbounded: string[] = [];
    for (const [schemaName, schema] of Object.entries(schemas))
      for (const [key, field] of Object.entries(schema.shape))
        if (
          /_MS$/.test(key) &&
          !NOT_TIMERS.has(key) &&
          (field as z.ZodType).safeParse(TIMER_OVERFLOW).success
        )
          unbounded.push(`${schemaName}.${key}`);
    expect(unbounded).toEqual([]);
  });
});

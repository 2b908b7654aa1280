// The gateway's conduct while Kafka does not acknowledge: new calls refused with a retry delay
// after BROKER_SHED_AFTER_MS, live calls ended the same way after BROKER_HOLD_MAX_MS, and the
// retry delay carried to gRPC clients as the grpc-retry-pushback-ms trailer.
import { describe, expect, it } from 'vitest';
import {
  endCallsAfterLongOutage,
  refuseWhileBrokerDown,
  type BrokerOutagePolicy,
} from '../../../../services/ingest-gateway/broker-outage.ts';
import { IngestError } from '../../../../services/ingest-gateway/errors.ts';
import { RETRY_PUSHBACK_KEY, toStatus } from '../../../../services/ingest-gateway/grpc-server.ts';
import type { KafkaSink } from '../../../../services/ingest-gateway/kafka-sink.ts';
import { createLiveCalls } from '../../../../services/ingest-gateway/live-calls.ts';
import { thrownError } from '../../../support/thrown.ts';

const policy: BrokerOutagePolicy = { shedAfterMs: 3_000, holdMaxMs: 15_000, retryPushbackMs: 4_000 };
const stalledSink = (ms: number): KafkaSink => ({ stalledForMs: () => ms }) as unknown as KafkaSink;

describe('broker outage', () => {
  it('takes new calls while the broker acknowledges, refuses them with a retry delay once it stalls', () => {
    expect(() => refuseWhileBrokerDown(stalledSink(2_999), policy)).not.toThrow();
    const refusal = thrownError(() => refuseWhileBrokerDown(stalledSink(3_000), policy), IngestError);
    expect(refusal).toMatchObject({ code: 'BROKER_UNAVAILABLE', status: 'UNAVAILABLE', retryAfterMs: 4_000 });
  });

  it('holds live calls through a failover-length stall and ends them after the hold', () => {
    const calls = createLiveCalls(10);
    const ended: IngestError[] = [];
    for (const callId of ['c1', 'c2'])
      calls.claim({ tenant: 't', callId, lastActivityMs: 0, terminate: (error) => ended.push(error) });
    expect(endCallsAfterLongOutage(stalledSink(14_999), policy, calls)).toBe(0);
    expect(ended).toHaveLength(0);
    expect(endCallsAfterLongOutage(stalledSink(15_000), policy, calls)).toBe(2);
    expect(ended.map((e) => [e.code, e.retryAfterMs])).toEqual([
      ['BROKER_UNAVAILABLE', 4_000],
      ['BROKER_UNAVAILABLE', 4_000],
    ]);
  });

  it('sends the retry delay as the grpc-retry-pushback-ms trailer of the UNAVAILABLE status', () => {
    const status = toStatus(new IngestError('BROKER_UNAVAILABLE', 'down', 4_000));
    expect(status.code).toBe(14);
    expect(status.metadata?.get(RETRY_PUSHBACK_KEY)).toEqual(['4000']);
    expect(toStatus(new IngestError('BAD_FRAME', 'bad')).metadata).toBeUndefined();
  });
});

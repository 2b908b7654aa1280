// What the gateway does while Kafka does not acknowledge its records (a broker lost, the whole
// cluster down). Live calls are held: their streams pause (stream-hold.ts) and what was accepted
// waits, bounded by BACKPRESSURE_HIGH_BYTES, in the sink, which sends it again until acknowledged.
// New calls are refused with UNAVAILABLE and a retry delay once the stall lasts BROKER_SHED_AFTER_MS;
// held calls are ended the same way after BROKER_HOLD_MAX_MS, so clients retry elsewhere or later
// instead of the gateway growing without bound. Pure apart from the sink and registry it is given.
import { IngestError } from './errors.ts';
import type { KafkaSink } from './kafka-sink.ts';
import type { LiveCalls } from './live-calls.ts';

export interface BrokerOutagePolicy {
  /** New calls are refused once the oldest unacknowledged record is this old. */
  shedAfterMs: number;
  /** Live calls are ended once it is this old (longer than a broker failover). */
  holdMaxMs: number;
  /** The retry delay told to refused clients (gRPC trailer grpc-retry-pushback-ms). */
  retryPushbackMs: number;
}

export function brokerUnavailable(policy: BrokerOutagePolicy, stalledMs: number): IngestError {
  return new IngestError(
    'BROKER_UNAVAILABLE',
    `the event broker has not acknowledged audio for ${Math.round(stalledMs / 1000)} s; retry later`,
    policy.retryPushbackMs,
  );
}

/** Throws BROKER_UNAVAILABLE (with the retry delay) when a new call should not be taken now. */
export function refuseWhileBrokerDown(sink: KafkaSink, policy: BrokerOutagePolicy): void {
  const stalled = sink.stalledForMs();
  if (stalled >= policy.shedAfterMs) throw brokerUnavailable(policy, stalled);
}

/** Ends every live call when the stall outlasted the hold; returns how many were ended. */
export function endCallsAfterLongOutage(
  sink: KafkaSink,
  policy: BrokerOutagePolicy,
  liveCalls: LiveCalls,
): number {
  const stalled = sink.stalledForMs();
  if (stalled < policy.holdMaxMs) return 0;
  const calls = [...liveCalls.all()];
  for (const call of calls) call.terminate(brokerUnavailable(policy, stalled));
  return calls.length;
}

// Backpressure for one stream of any adapter: after each message, while the Kafka sink is behind,
// stop reading the stream (the transport's flow control then pushes back to the client) and hold
// its call (a held call is not idle) until the sink drains. Pure apart from the callbacks.
import type { CallSession } from './call-session.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { KafkaSink } from './kafka-sink.ts';

export interface HoldableStream {
  pause(): void;
  resume(): void;
  isClosed(): boolean;
}

/** Returns the check to run after each message of the stream. */
export function holdWhileBehind(
  sink: KafkaSink,
  metrics: GatewayMetrics,
  session: Pick<CallSession, 'hold'>,
  stream: HoldableStream,
  onHold: () => void = () => undefined,
): () => void {
  let paused = false;
  return () => {
    if (paused || stream.isClosed() || !sink.isBehind()) return;
    paused = true;
    onHold();
    metrics.streamsPaused.inc();
    stream.pause();
    session.hold(true);
    sink.onceDrained(() => {
      paused = false;
      session.hold(false);
      if (!stream.isClosed()) stream.resume();
    });
  };
}

// The L16 WebSocket adapter's own metrics on the gateway's registry: sessions by subprotocol,
// live sockets, audio bytes received, and protocol errors (upgrade refusals and error closes) by
// code. Pure (prom-client objects).
import type { Counter, Gauge } from 'prom-client';
import { metricBuilders } from '../../shared/metric-builders.ts';
import type { ServiceMetrics } from '../../shared/metrics.ts';

export interface L16WsMetrics {
  readonly sessions: Counter<'subprotocol'>;
  readonly liveSessions: Gauge;
  readonly audioBytes: Counter;
  readonly protocolErrors: Counter<'code'>;
}

export function createL16WsMetrics(base: ServiceMetrics): L16WsMetrics {
  const metric = metricBuilders(base.registry);
  return {
    sessions: metric.counter(
      'va_l16ws_sessions_total',
      'L16 WebSocket sessions accepted (upgrade completed), by subprotocol',
      ['subprotocol'],
    ),
    liveSessions: metric.gauge('va_l16ws_live_sessions', 'L16 WebSockets open now'),
    audioBytes: metric.counter('va_l16ws_audio_bytes_total', 'Bytes of binary L16 audio frames received'),
    protocolErrors: metric.counter(
      'va_l16ws_protocol_errors_total',
      'Upgrades refused and sockets closed with an error, by code',
      ['code'],
    ),
  };
}

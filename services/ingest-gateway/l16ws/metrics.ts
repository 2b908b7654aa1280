// The L16 WebSocket adapter's own metrics on the gateway's registry: sessions by subprotocol,
// live sockets, audio bytes received, and protocol errors (upgrade refusals and error closes) by
// code. Pure (prom-client objects).
import { Counter, Gauge } from 'prom-client';
import type { ServiceMetrics } from '../../shared/metrics.ts';

export interface L16WsMetrics {
  readonly sessions: Counter<'subprotocol'>;
  readonly liveSessions: Gauge;
  readonly audioBytes: Counter;
  readonly protocolErrors: Counter<'code'>;
}

export function createL16WsMetrics(base: ServiceMetrics): L16WsMetrics {
  const registers = [base.registry];
  return {
    sessions: new Counter({
      name: 'va_l16ws_sessions_total',
      help: 'L16 WebSocket sessions accepted (upgrade completed), by subprotocol',
      labelNames: ['subprotocol'] as const,
      registers,
    }),
    liveSessions: new Gauge({ name: 'va_l16ws_live_sessions', help: 'L16 WebSockets open now', registers }),
    audioBytes: new Counter({
      name: 'va_l16ws_audio_bytes_total',
      help: 'Bytes of binary L16 audio frames received',
      registers,
    }),
    protocolErrors: new Counter({
      name: 'va_l16ws_protocol_errors_total',
      help: 'Upgrades refused and sockets closed with an error, by code',
      labelNames: ['code'] as const,
      registers,
    }),
  };
}

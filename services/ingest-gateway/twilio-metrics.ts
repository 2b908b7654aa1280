// Metrics of the Twilio Media Streams adapter, on the gateway's registry: streams accepted and
// open, µ-law bytes received per track, and protocol errors by code (refused upgrades included).
// Everything after `start` is also counted by the gateway's own metrics (frames, gaps, errors).
// Pure (prom-client objects).
import type { Counter, Gauge, Registry } from 'prom-client';
import { metricBuilders } from '../shared/metric-builders.ts';

export interface TwilioMetrics {
  readonly sessions: Counter;
  readonly openSessions: Gauge;
  readonly bytes: Counter<'track'>;
  readonly protocolErrors: Counter<'code'>;
}

export function createTwilioMetrics(registry: Registry): TwilioMetrics {
  const metric = metricBuilders(registry);
  return {
    sessions: metric.counter(
      'va_twilio_sessions_total',
      'Twilio Media Streams WebSocket connections accepted (signature valid)',
    ),
    openSessions: metric.gauge('va_twilio_open_sessions', 'Twilio Media Streams connections open now'),
    bytes: metric.counter(
      'va_twilio_audio_bytes_total',
      'Audio bytes (G.711 µ-law) received from Twilio, by track (inbound = customer, outbound = agent)',
      ['track'],
    ),
    protocolErrors: metric.counter(
      'va_twilio_protocol_errors_total',
      'Twilio streams refused or closed with an error, by code (see the README)',
      ['code'],
    ),
  };
}

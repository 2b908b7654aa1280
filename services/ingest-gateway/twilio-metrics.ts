// Metrics of the Twilio Media Streams adapter, on the gateway's registry: streams accepted and
// open, µ-law bytes received per track, and protocol errors by code (refused upgrades included).
// Everything after `start` is also counted by the gateway's own metrics (frames, gaps, errors).
// Pure (prom-client objects).
import { Counter, Gauge, type Registry } from 'prom-client';

export interface TwilioMetrics {
  readonly sessions: Counter;
  readonly openSessions: Gauge;
  readonly bytes: Counter<'track'>;
  readonly protocolErrors: Counter<'code'>;
}

export function createTwilioMetrics(registry: Registry): TwilioMetrics {
  const registers = [registry];
  return {
    sessions: new Counter({
      name: 'va_twilio_sessions_total',
      help: 'Twilio Media Streams WebSocket connections accepted (signature valid)',
      registers,
    }),
    openSessions: new Gauge({
      name: 'va_twilio_open_sessions',
      help: 'Twilio Media Streams connections open now',
      registers,
    }),
    bytes: new Counter({
      name: 'va_twilio_audio_bytes_total',
      help: 'Audio bytes (G.711 µ-law) received from Twilio, by track (inbound = customer, outbound = agent)',
      labelNames: ['track'] as const,
      registers,
    }),
    protocolErrors: new Counter({
      name: 'va_twilio_protocol_errors_total',
      help: 'Twilio streams refused or closed with an error, by code (see the README)',
      labelNames: ['code'] as const,
      registers,
    }),
  };
}

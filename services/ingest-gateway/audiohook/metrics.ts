// Metrics of the Genesys Cloud AudioHook adapter on the gateway's registry: sessions accepted and
// open, PCMU bytes received, client `error`/`discarded`/`paused` reports, reconnects, and protocol
// errors by code (refused upgrades and `disconnect`s). Everything after `open` is also counted by
// the gateway's own metrics (frames, gaps, errors). Pure (prom-client objects).
import { Counter, Gauge } from 'prom-client';
import type { ServiceMetrics } from '../../shared/metrics.ts';

export interface AudioHookMetrics {
  readonly sessions: Counter;
  readonly openSessions: Gauge;
  readonly audioBytes: Counter;
  readonly reconnects: Counter;
  /** Audio the client reported as discarded or paused, in seconds of audio. */
  readonly notSentSeconds: Counter<'why'>;
  /** `error` messages the client sent, by their code (429, 500, …). */
  readonly clientErrors: Counter<'code'>;
  readonly protocolErrors: Counter<'code'>;
}

export function createAudioHookMetrics(base: ServiceMetrics): AudioHookMetrics {
  const registers = [base.registry];
  return {
    sessions: new Counter({
      name: 'va_audiohook_sessions_total',
      help: 'AudioHook WebSocket sessions accepted (API key and signature valid)',
      registers,
    }),
    openSessions: new Gauge({
      name: 'va_audiohook_open_sessions',
      help: 'AudioHook sessions open now',
      registers,
    }),
    audioBytes: new Counter({
      name: 'va_audiohook_audio_bytes_total',
      help: 'Bytes of binary PCMU audio frames received (all channels)',
      registers,
    }),
    reconnects: new Counter({
      name: 'va_audiohook_reconnects_total',
      help: 'Sessions that continued a live conversation (AudioHook reconnect)',
      registers,
    }),
    notSentSeconds: new Counter({
      name: 'va_audiohook_audio_not_sent_seconds_total',
      help: 'Audio the client did not send, by why (discarded, paused), in seconds',
      labelNames: ['why'] as const,
      registers,
    }),
    clientErrors: new Counter({
      name: 'va_audiohook_client_errors_total',
      help: 'error messages sent by the AudioHook client, by their code',
      labelNames: ['code'] as const,
      registers,
    }),
    protocolErrors: new Counter({
      name: 'va_audiohook_protocol_errors_total',
      help: 'Upgrades refused and sessions disconnected with an error, by code (see README-audiohook.md)',
      labelNames: ['code'] as const,
      registers,
    }),
  };
}

// Metrics of the Genesys Cloud AudioHook adapter on the gateway's registry: sessions accepted and
// open, PCMU bytes received, client `error`/`discarded`/`paused` reports, reconnects, and protocol
// errors by code (refused upgrades and `disconnect`s). Everything after `open` is also counted by
// the gateway's own metrics (frames, gaps, errors). Pure (prom-client objects).
import type { Counter, Gauge } from 'prom-client';
import { metricBuilders } from '../../shared/metric-builders.ts';
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

/**
 * The `error` codes the AudioHook protocol defines (HTTP-like statuses); any other client-chosen
 * number is counted as `other`, so a client cannot grow the metric without bound.
 */
const CLIENT_ERROR_CODES = new Set([400, 401, 403, 404, 405, 408, 409, 413, 415, 429, 500, 502, 503, 504]);

/** The label of a client `error` code. */
export const clientErrorLabel = (code: number): string =>
  CLIENT_ERROR_CODES.has(code) ? String(code) : 'other';

export function createAudioHookMetrics(base: ServiceMetrics): AudioHookMetrics {
  const metric = metricBuilders(base.registry);
  return {
    sessions: metric.counter(
      'va_audiohook_sessions_total',
      'AudioHook WebSocket sessions accepted (API key and signature valid)',
    ),
    openSessions: metric.gauge('va_audiohook_open_sessions', 'AudioHook sessions open now'),
    audioBytes: metric.counter(
      'va_audiohook_audio_bytes_total',
      'Bytes of binary PCMU audio frames received (all channels)',
    ),
    reconnects: metric.counter(
      'va_audiohook_reconnects_total',
      'Sessions that continued a live conversation (AudioHook reconnect)',
    ),
    notSentSeconds: metric.counter(
      'va_audiohook_audio_not_sent_seconds_total',
      'Audio the client did not send, by why (discarded, paused), in seconds',
      ['why'],
    ),
    clientErrors: metric.counter(
      'va_audiohook_client_errors_total',
      'error messages sent by the AudioHook client, by their code',
      ['code'],
    ),
    protocolErrors: metric.counter(
      'va_audiohook_protocol_errors_total',
      'Upgrades refused and sessions disconnected with an error, by code (see README-audiohook.md)',
      ['code'],
    ),
  };
}

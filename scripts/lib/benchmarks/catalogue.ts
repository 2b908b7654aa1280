/**
 * What each recorded benchmark is: its title, the command that reproduces it, one sentence on what
 * it measures, and the keys worth a row in BENCHMARKS.md (the whole JSON is always included).
 * The order here is the order of the file.
 */
export interface BenchmarkEntry {
  title: string;
  command: string;
  measures: string;
  headline: readonly string[];
}

/** `bench:ingest` is one script run once per protocol; each protocol keeps its own figure. */
function ingest(title: string, protocol: string): BenchmarkEntry {
  return {
    title: `Ingest: ${title}`,
    command: `npm run bench:ingest -- --protocol ${protocol} --calls 200`,
    measures: 'gateway CPU per call-second and frame loss for one ingest protocol',
    headline: ['calls_ok', 'frames_lost', 'gateway_cpu_ms_per_call_second', 'chunk_delay_ms_p99_le'],
  };
}

export const BENCHMARKS = {
  dsp: {
    title: 'DSP speed (one channel, one core)',
    command: 'npm run bench:dsp',
    measures: 'times real time the channel analyzer runs at 8 and 16 kHz, against a naive meyda loop',
    headline: ['x_realtime_8k', 'x_realtime_16k', 'speedup_vs_meyda_naive', 'bytes_per_channel_state'],
  },
  alloc: {
    title: 'Allocation in the hot path (steady state)',
    command: 'npm run bench:alloc',
    measures: 'bytes allocated per 10-ms frame and per window by the call analyzer and the emotion trackers',
    headline: [
      'pcmu8k_dsp_emotion_bytes_per_frame',
      'pcmu8k_dsp_bytes_per_frame_between_windows',
      'pcmu8k_dsp_emotion_bytes_per_window',
      'l16_16k_dsp_bytes_per_frame_between_windows',
      'worker_bytes_per_record_between_windows',
      'cpu_us_per_window',
    ],
  },
  'eval-dsp': {
    title: 'DSP accuracy against Praat references',
    command: 'npm run eval:dsp',
    measures: 'pitch, pace and voice-quality measures against reference values',
    headline: [],
  },
  'eval-emotion': {
    title: 'Emotion on voices the model never heard',
    command: 'npm run eval:emotion',
    measures: 'leave-one-corpus-out and within-corpus figures of the live tracker (call and cold protocols)',
    headline: [
      'loco_call_uar_mean',
      'loco_call_arousal_uar_mean',
      'loco_call_valence_uar_mean',
      'worst_corpus_ratio_to_chance',
      'within_call_uar_emodb',
      'uncertain_share_call',
      'accuracy_when_confident_call',
      'us_per_window',
    ],
  },
  'eval-music': {
    title: 'Hold music is not speech',
    command: 'npm run eval:music -- --music DIR',
    measures:
      "how much of a folder of music tracks still reads as speech, what the tracker shows on it, how soon a voice is heard after it, corpus speech gated (none)",
    headline: ['music_speech_window_share', 'voice_after_music_delay_ms', 'corpora_frames_gated'],
  },
  pipeline: {
    title: 'Whole pipeline under load',
    command: 'npm run bench:pipeline',
    measures: 'stereo calls in real time through gateway, broker, workers and alert service',
    headline: ['calls', 'dsp_workers', 'lost_windows', 'latency_ms_p99', 'cpu_core_s_per_call_s'],
  },
  'ingest-grpc': ingest('gRPC', 'grpc'),
  'ingest-twilio': ingest('Twilio Media Streams', 'twilio'),
  'ingest-l16ws': ingest('L16 over WebSocket', 'l16ws'),
  'ingest-audiohook': ingest('Genesys AudioHook', 'audiohook'),
  alerts: {
    title: 'Alert push to WebSocket clients',
    command: 'npm run bench:alerts',
    measures: 'alert latency from the broker to many connected wallboards',
    headline: ['ws_clients', 'alerts', 'missed_deliveries', 'push_latency_ms_p99'],
  },
  'alert-rebuild': {
    title: 'Alert service restart: the live view of calls in progress rebuilt',
    command: 'npm run bench:alert-rebuild',
    measures: 'from the spawn to ready and to every call rebuilt from the last minutes of events',
    headline: ['calls', 'records', 'spawn_to_ready_s', 'spawn_to_rebuilt_s'],
  },
  store: {
    title: 'Call store ingest and queries',
    command: 'npm run bench:store',
    measures: 'records per second into PostgreSQL and PGlite, and QA query latency',
    headline: ['events_per_s_postgres', 'live_calls_sustained_postgres', 'events_per_s_pglite'],
  },
  faults: {
    title: 'Broker loss and worker kills on the 3-node cluster',
    command: 'npm run bench:faults',
    measures: '100 calls; the leading broker, a dsp-worker and the classifier killed mid-call; a 20 s outage',
    headline: [
      'lost_windows',
      'duplicate_windows_after_dedupe',
      'calls_failed',
      'latency_ms_p99_before_fault',
      'latency_ms_p99_during_fault',
      'recovery_s',
      'alerts_lost',
    ],
  },
  'faults-scale': {
    title: 'Horizontal scale: 1, 2 and 4 dsp-workers on 12 partitions',
    command: 'npm run bench:faults -- --scale 1,2,4',
    measures: 'windows per worker, loss and CPU per call-second by process',
    headline: [],
  },
} as const satisfies Record<string, BenchmarkEntry>;

export type BenchmarkName = keyof typeof BENCHMARKS;

export function isBenchmarkName(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}

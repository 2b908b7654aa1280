-- 018: where a call's analytics consent ends, in audio time (ms since the call's start): the
-- consent_audio_ms of a va.calls.v1 consent change withdrawing analytics. The store kept only the
-- narrower consent flags, so analysis of audio after the withdrawal that still arrived (a stream
-- resumed on another gateway, the dsp-worker analysing a call again after forgetting its end) was
-- stored and shown (review, 2026-12-07). Windows, emotions, dynamics and alerts starting at or
-- after it are dropped at ingest and deleted (store/analytics-window.ts). NULL: analytics never
-- withdrawn. Nullable, no default: catalogue-only at any size. Applied after 019 on a store that
-- ran 019 first (migrate.ts applies every missing version in order).
SET LOCAL lock_timeout = '5s';
ALTER TABLE calls ADD COLUMN IF NOT EXISTS analytics_until_ms integer;

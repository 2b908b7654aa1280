-- 015: two go-live fixes from the DBA review (2026-12-07; README, "Writing a migration"):
-- * speaker_windows.features (jsonb, 628 of a 728-byte row) was written and never read: the
--   timeline, CSV export, scorecard and import read the extracted columns (pitch_hz, pitch_st,
--   loudness_dbfs, syllable_rate, tension). The store now writes NULL there. DROP NOT NULL is
--   catalogue-only; the rows stored before keep theirs (no UPDATE of a detail table) and age out
--   with retention. Last in the file: its ACCESS EXCLUSIVE lock, held until the file commits, also
--   stops readers of speaker_windows (timelines, QA pages), so it is taken after the index builds.
-- * the retention purge's orphan check reads only the child rows received since its previous
--   check (store/orphans.ts): a BRIN index on each child table's received column (RECEIVED_AT in
--   store/retention.ts) finds them. BRIN suits append-ordered timestamps and is tiny (a few pages
--   per GB), but CREATE INDEX blocks the table's writes while it builds: on a big store build them
--   by hand with CREATE INDEX CONCURRENTLY first (README.md, "Upgrading and rolling back"), and
--   these statements find them there. The watermark table remembers how far the check got, so a
--   restart does not read every child table again.
SET LOCAL lock_timeout = '5s';
CREATE INDEX IF NOT EXISTS speaker_windows_received_brin ON speaker_windows USING brin (received_at);
CREATE INDEX IF NOT EXISTS emotion_events_received_brin ON emotion_events USING brin (received_at);
CREATE INDEX IF NOT EXISTS dynamics_windows_received_brin ON dynamics_windows USING brin (received_at);
CREATE INDEX IF NOT EXISTS alerts_received_brin ON alerts USING brin (received_at);
CREATE INDEX IF NOT EXISTS alert_acks_received_brin ON alert_acks USING brin (received_at);
CREATE INDEX IF NOT EXISTS reviews_created_brin ON reviews USING brin (created_at);
CREATE INDEX IF NOT EXISTS call_timelines_built_brin ON call_timelines USING brin (built_at);
CREATE INDEX IF NOT EXISTS surveys_received_brin ON surveys USING brin (received_at);
CREATE TABLE orphan_checks (
  child_table text PRIMARY KEY,
  checked_to timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE speaker_windows ALTER COLUMN features DROP NOT NULL;

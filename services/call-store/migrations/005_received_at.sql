-- 005: when each child row reached the store (issue 13, point 7). Child rows carry no foreign key
-- to their call (topics are consumed in parallel), so rows whose call never arrives, or arrives
-- after retention purged it, belong to no call; the retention purge deletes such orphans once they
-- are older than ORPHAN_GRACE_HOURS. Existing rows count from this migration. Reviews have
-- created_at and timelines built_at already.
ALTER TABLE speaker_windows ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE emotion_events ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE dynamics_windows ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE alerts ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE alert_acks ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();

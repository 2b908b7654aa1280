-- 021: when and why an alert ended. The alert service closes each open alert of a call whose
-- caller withdrew analytics consent mid-call, or whose customer was erased while it was live, with
-- a resolution record on va.alerts.v1 (state RESOLVED, resolution_reason CONSENT_WITHDRAWN or
-- ERASED); the store ignored it and such an alert stayed open for good in the call's timeline and
-- lists. ended_at: the resolution's time (updated_at_ms); end_reason: its stable code. NULL: the
-- alert ended with its call (nothing closed it sooner). Nullable, no default: catalogue-only at
-- any size; erasure and retention delete the alert rows as before.
SET LOCAL lock_timeout = '5s';
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS ended_at timestamptz;
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS end_reason text;

-- 017: how much of each dynamics window the call was on hold (the platform's CallHold, carried
-- through the dsp-worker as DynamicsWindow.hold_ms): the summary's hold time and hold count come
-- from it, and the QA page shows them. Hold is already not mutual silence in the windows' silence
-- columns. Nullable, no default (NULL = a window from before hold existed: none): catalogue-only at
-- any size.
SET LOCAL lock_timeout = '5s';
ALTER TABLE dynamics_windows ADD COLUMN hold_ms int;

-- 016: why a call ended (CallEnd.reason as its sender gave it: "hangup", "transfer"; the gateway's
-- "aborted" / "idle-timeout" for a broken stream; the store's "abandoned" when its sweep ends a call
-- that went silent): a QA reviewer could not tell a transferred call from a finished one
-- (transfer probe, 2026-12-07). Nullable, no default: catalogue-only at any size.
SET LOCAL lock_timeout = '5s';
ALTER TABLE calls ADD COLUMN end_reason text;

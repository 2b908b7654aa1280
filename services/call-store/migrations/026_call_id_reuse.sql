-- 026: a call id used again after its call ended (a platform that recycles ids). `reused_at` is the
-- start time of the first later call seen under the id; from then on the store keeps the stored
-- call as it was and drops the later call's records (store/later-calls.ts: CALL_ID_REUSED), which
-- before were merged under the first call's agent and customer. NULL: no later call seen (or none
-- since 026). Nullable, no default: catalogue-only at any size.
SET LOCAL lock_timeout = '5s';
ALTER TABLE calls ADD COLUMN IF NOT EXISTS reused_at timestamptz;

-- 013: two indexes on calls that queries the store runs had none for (DBA review, 2026-12-07; on
-- 104 000 calls each was a sequential scan of the whole table, which at 90 days of a 2 000-seat
-- site, ~7 million calls and ~17 GB of call rows, is seconds per run):
-- * the live calls: the abandoned-call sweep (store/abandoned.ts, every minute, `status = 'live'`
--   over every tenant) and `GET /calls?status=live`. Partial: a site has a few thousand live calls
--   at most, so the index stays small whatever the table holds.
-- * `GET /calls?sort=durationMs`, the one sort of the search without an index (store/search.ts
--   SORTS): a top-N sort of every call of the tenant per page.
-- Plain CREATE INDEX (migrations run in a transaction, see the README's "Writing a migration"):
-- it blocks writes to calls while it builds, ~0.15 s per 100 000 calls measured. IF NOT EXISTS: a
-- big store builds them CONCURRENTLY by hand first (README, "Upgrading and rolling back").
SET LOCAL lock_timeout = '5s';
CREATE INDEX IF NOT EXISTS calls_live ON calls (tenant, started_at DESC, call_id DESC) WHERE status = 'live';
CREATE INDEX IF NOT EXISTS calls_by_tenant_duration ON calls (tenant, (coalesce(duration_ms, -1)) DESC, call_id DESC);

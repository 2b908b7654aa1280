-- 009: the calls a customer erasure deleted, remembered for a while so that what is still on its
-- way for them (a live call's next windows, emotions, alerts and end; a replay of the topics) is
-- dropped at ingest instead of stored again without its call (store/erasure.ts, writes.ts). Holds
-- the tenant and call id only; purged after ERASED_CALL_DAYS (store/retention.ts).
CREATE TABLE erased_calls (
  tenant text NOT NULL,
  call_id text NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, call_id)
);

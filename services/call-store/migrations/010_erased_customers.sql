-- 010: the customers an erasure was for, remembered for a while so that a call of theirs that
-- started before the erasure but reached the store after it (consumer lag, the store down, a
-- replay) is dropped at ingest instead of stored with the pseudonym (store/erasure.ts, writes.ts).
-- Holds a one-way digest of the pseudonym, never the pseudonym (an erased customer's reference is
-- in no table), and when; purged after ERASED_CALL_DAYS (store/retention.ts).
CREATE TABLE erased_customers (
  tenant text NOT NULL,
  customer_digest text NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, customer_digest)
);

-- 006: customer history (issue 18, points 1-2). Calls are linked by the customer's keyed pseudonym
-- (customer_ref holds only `cref1_…`, never the raw reference: the gateway replaces it). A call whose
-- CallStart said history_opt_out stays out of the history (in_history = false). The customer's mood
-- at the start and end of the call and its frustration episodes / escalations are kept as one jsonb
-- at call end (pipelines/history/customer-mood.ts), so the history survives store_features=false
-- (which drops the emotion rows it is computed from).
ALTER TABLE calls ADD COLUMN in_history boolean NOT NULL DEFAULT true;
ALTER TABLE calls ADD COLUMN customer_mood jsonb;
CREATE INDEX calls_by_customer ON calls (tenant, customer_ref, started_at DESC, call_id DESC)
  WHERE customer_ref IS NOT NULL;

-- Erasures, audited without the reference: who erased how many rows of which tenant, and when.
CREATE TABLE customer_erasures (
  erasure_id text PRIMARY KEY,
  tenant text NOT NULL,
  requested_by text NOT NULL,
  calls integer NOT NULL,
  rows_deleted jsonb NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now()
);

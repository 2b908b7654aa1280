-- 007: post-call surveys (issue 18, point 5): CSAT 1..5 and NPS 0..10 per call, imported by API or
-- CSV. Keyed like a call, by (tenant, call id): re-importing the same answers changes nothing, and
-- a CSAT-only and an NPS-only import of one call merge into one row. No foreign key, as for every
-- child table (see 001); the retention purge deletes a survey with its call.
CREATE TABLE surveys (
  tenant text NOT NULL,
  call_id text NOT NULL,
  csat smallint CHECK (csat BETWEEN 1 AND 5),
  nps smallint CHECK (nps BETWEEN 0 AND 10),
  responded_at timestamptz,
  source text NOT NULL CHECK (source IN ('api', 'csv')),
  received_at timestamptz NOT NULL DEFAULT now(),
  CHECK (csat IS NOT NULL OR nps IS NOT NULL),
  PRIMARY KEY (tenant, call_id)
);

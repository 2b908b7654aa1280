-- 002: the full-resolution timeline of a summarised call, built once at call end as the API's JSON
-- text (TOAST-compressed by PostgreSQL). The QA page reads finished calls; a 30-minute call's
-- timeline is ~9 000 rows, served from one row. Dropped when late events re-open the summary.
CREATE TABLE call_timelines (
  call_id text PRIMARY KEY,
  body text NOT NULL,
  built_at timestamptz NOT NULL DEFAULT now()
);

-- 024: a QA reviewer's verdict on each alert (right, wrong = a false alarm, unsure) with an optional
-- short reason, so a contact centre can measure how often each rule's warning was right on its own
-- calls (GET /reports/alert-precision). One row per alert: the latest verdict wins (README). The
-- reason is free text, personal data like review notes: erased and purged with its call, its
-- reviewer replaced by a tombstone when that person is erased as an agent, never logged.
-- The row belongs to its alert: an alert deleted (erasure of the customer, the call or the agent,
-- a consent withdrawal, retention) takes its verdict with it (ON DELETE CASCADE), so no verdict
-- outlives the alert it judged. A new, empty table: the foreign key's check reads no row of alerts,
-- though it takes a SHARE ROW EXCLUSIVE lock on alerts for the instant of its creation.
SET LOCAL lock_timeout = '5s';
CREATE TABLE IF NOT EXISTS alert_verdicts (
  tenant text NOT NULL,
  alert_id text NOT NULL,
  call_id text NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('right', 'wrong', 'unsure')),
  reason text CHECK (char_length(reason) <= 500),
  reviewer text NOT NULL,
  judged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, alert_id),
  FOREIGN KEY (tenant, alert_id) REFERENCES alerts (tenant, alert_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS alert_verdicts_by_call ON alert_verdicts (tenant, call_id);
-- The orphan check's clock (store/child-tables.ts): rows written since its last pass.
CREATE INDEX IF NOT EXISTS alert_verdicts_judged_brin ON alert_verdicts USING brin (judged_at);

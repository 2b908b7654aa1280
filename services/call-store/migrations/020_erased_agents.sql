-- 020: agents are data subjects too (GDPR Art. 17; works councils). DELETE /agents/{id}
-- (store/agent-erasure.ts) deletes the agent's voice analysis and replaces their id on every call
-- and leg by a random per-call tombstone; the agent is remembered here, as customers are
-- (erased_customers, 010): a one-way digest of the id and the erasure's time, so a start of a call
-- live at the erasure (a transfer's leg, a replay) that arrives after it is stored under the
-- call's tombstone, not the id (store/erased-agents.ts). Purged after ERASED_CALL_DAYS.
-- The audit row of such an erasure (scope 'agent') carries the same digest (subject_digest): a DPO
-- who knows the id proves the erasure happened by recomputing it; no call carries it. NULL for
-- the customer and call erasures. Both are cheap at any size (a new table, a nullable column).
CREATE TABLE erased_agents (
  tenant text NOT NULL,
  agent_digest text NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, agent_digest)
);
ALTER TABLE customer_erasures ADD COLUMN subject_digest text;

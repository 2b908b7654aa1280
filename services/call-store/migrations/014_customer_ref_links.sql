-- 014: a customer's pseudonym under a tenant's previous customer-reference key, linked to the one
-- under the current key when a call of theirs starts during a key rotation (store/customer-relink.ts):
-- their calls move to the current pseudonym then, a start that still carries the previous one (a
-- gateway not yet rotated, a replay) is stored under the current one, and an erasure of either
-- erases both. Holds a one-way digest of the previous pseudonym (as erased_customers), never the
-- pseudonym; the link goes with an erasure of the customer, once no call under the current
-- pseudonym is left past the tenant's retention, or after ERASED_CALL_DAYS (store/retention.ts).
CREATE TABLE customer_ref_links (
  tenant text NOT NULL,
  previous_digest text NOT NULL,
  current_ref text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, previous_digest)
);
CREATE INDEX customer_ref_links_by_current ON customer_ref_links (tenant, current_ref);

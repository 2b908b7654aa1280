-- 023: which alert an escalation escalated. The alert service sends an agent-only alert still
-- holding after its rule's escalateAfterMs to supervisors as a new alert (its own id, state
-- ESCALATED) naming the first in `escalation_of` (proto AlertEvent field 24); the store kept the
-- escalation as an alert of its own and dropped the link, so the QA page could not say that an
-- alert was escalated, nor when. NULL: not an escalation, or stored before 023. Nullable, no
-- default: catalogue-only at any size.
SET LOCAL lock_timeout = '5s';
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS escalation_of text;

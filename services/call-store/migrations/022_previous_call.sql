-- 022: the call a call continues. A platform that gives a transferred call a new call id (Amazon
-- Connect's PreviousContactId, a Twilio child call) made two unrelated calls: the QA reviewer could
-- not get from one to the other, and the customer's history counted the transfer as a second call
-- ("2nd call in 7 days" to the agent who took it). The CallStart's previous_call_id (CallEvent
-- field 25) is kept here; the call's detail lists it and the calls that continue it, and the
-- history counts a chain as one contact (store/history.ts). NULL: none (every call from before).
-- The nullable column is catalogue-only at any size; the partial index reads the table once while
-- it builds and blocks its writes meanwhile (every row NULL then, nothing to index): on a big store
-- build it by hand with CREATE INDEX CONCURRENTLY first (README, "Writing a migration").
SET LOCAL lock_timeout = '5s';
ALTER TABLE calls ADD COLUMN IF NOT EXISTS previous_call_id text;
CREATE INDEX IF NOT EXISTS calls_by_previous_call ON calls (tenant, previous_call_id)
  WHERE previous_call_id IS NOT NULL;

-- 025: whether an alert is a recovery, ending the customer's earlier alerts (AlertEvent field 28,
-- from its rule's `endsEarlierAlerts`). The QA call page inferred it from the rule id alone (a
-- customer rule whose id contains "recovered"), so a tenant who renamed the rule got "call ended".
-- NULL: a record without the field (an alert service from before it, or a row stored before
-- 025): read by the rule id as before. Nullable, no default: catalogue-only at any size.
SET LOCAL lock_timeout = '5s';
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS ends_earlier_alerts boolean;

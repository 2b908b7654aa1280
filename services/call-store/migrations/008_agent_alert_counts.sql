-- 008: the alert counts an agent reading its own calls gets. alerts_count / unacked_alerts count
-- every alert of the call (staff read them all); an agent's live socket shows only the alerts
-- directed at agents (audience lists 'agent': services/shared/auth/alert-audience.ts), and the
-- QA API must not tell it how many supervisor-only alerts its calls raised. Kept by finalize.ts;
-- summarised calls get theirs here from their alert rows (alerts are kept without consent too).
ALTER TABLE calls ADD COLUMN agent_alerts_count integer NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN agent_unacked_alerts integer NOT NULL DEFAULT 0;
UPDATE calls c SET agent_alerts_count = n.total, agent_unacked_alerts = n.unacked
FROM (
  SELECT a.tenant, a.call_id, count(*)::int AS total,
    count(*) FILTER (WHERE k.alert_id IS NULL)::int AS unacked
  FROM alerts a LEFT JOIN alert_acks k ON k.tenant = a.tenant AND k.alert_id = a.alert_id
  WHERE 'agent' = ANY (string_to_array(a.audience, ','))
  GROUP BY a.tenant, a.call_id
) n
WHERE c.tenant = n.tenant AND c.call_id = n.call_id AND c.summary IS NOT NULL;

-- 004: a call is identified by (tenant, call id), not the call id alone (issue 13, point 2): call
-- ids come from clients, so two tenants may use the same one. Every child table gains the tenant,
-- filled from its call (acks: from their alert) so existing rows stay readable, and every primary
-- key and per-call index starts with it. Rows whose call never arrived keep tenant '' and belong to
-- no tenant. Writers must name the tenant from now on (no default).
ALTER TABLE speaker_windows ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE emotion_events ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE dynamics_windows ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE alert_acks ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE call_timelines ADD COLUMN tenant text NOT NULL DEFAULT '';
UPDATE speaker_windows w SET tenant = c.tenant FROM calls c WHERE c.call_id = w.call_id;
UPDATE emotion_events e SET tenant = c.tenant FROM calls c WHERE c.call_id = e.call_id;
UPDATE dynamics_windows d SET tenant = c.tenant FROM calls c WHERE c.call_id = d.call_id;
UPDATE call_timelines t SET tenant = c.tenant FROM calls c WHERE c.call_id = t.call_id;
UPDATE alert_acks k SET tenant = a.tenant FROM alerts a WHERE a.alert_id = k.alert_id;
ALTER TABLE speaker_windows ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE emotion_events ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE dynamics_windows ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE alert_acks ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE call_timelines ALTER COLUMN tenant DROP DEFAULT;

ALTER TABLE calls DROP CONSTRAINT calls_pkey;
ALTER TABLE calls ADD PRIMARY KEY (tenant, call_id);
ALTER TABLE speaker_windows DROP CONSTRAINT speaker_windows_pkey;
ALTER TABLE speaker_windows ADD PRIMARY KEY (tenant, call_id, channel, window_index);
ALTER TABLE emotion_events DROP CONSTRAINT emotion_events_pkey;
ALTER TABLE emotion_events ADD PRIMARY KEY (tenant, call_id, channel, window_index);
ALTER TABLE dynamics_windows DROP CONSTRAINT dynamics_windows_pkey;
ALTER TABLE dynamics_windows ADD PRIMARY KEY (tenant, call_id, window_index);
ALTER TABLE alerts DROP CONSTRAINT alerts_pkey;
ALTER TABLE alerts ADD PRIMARY KEY (tenant, alert_id);
ALTER TABLE alert_acks DROP CONSTRAINT alert_acks_pkey;
ALTER TABLE alert_acks ADD PRIMARY KEY (tenant, alert_id);
ALTER TABLE call_timelines DROP CONSTRAINT call_timelines_pkey;
ALTER TABLE call_timelines ADD PRIMARY KEY (tenant, call_id);

DROP INDEX calls_needing_summary;
CREATE INDEX calls_needing_summary ON calls (tenant, call_id) WHERE needs_summary;
DROP INDEX alerts_by_call;
CREATE INDEX alerts_by_call ON alerts (tenant, call_id, start_ms);
DROP INDEX alert_acks_by_call;
CREATE INDEX alert_acks_by_call ON alert_acks (tenant, call_id);
DROP INDEX reviews_by_call;
CREATE INDEX reviews_by_call ON reviews (tenant, call_id, created_at);

-- 003: the call's team (CallEvent `team` on va.calls.v1), so a supervisor whose user lists teams
-- sees those teams' calls only, as in the alert service. Imported calls and older rows keep ''.
ALTER TABLE calls ADD COLUMN team text NOT NULL DEFAULT '';
CREATE INDEX calls_by_tenant_team_time ON calls (tenant, team, started_at DESC, call_id DESC);

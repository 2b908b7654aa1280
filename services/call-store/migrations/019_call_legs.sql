-- 019: the legs of a call. A transfer that keeps the customer's baseline resumes the call with the
-- same call id and a CallStart naming the new agent, team and queue; the store kept the first
-- start's for the whole call, so the new agent could not open it and the first agent's scorecard
-- got both legs (transfer probe, 2026-12-07). One row per start: where its leg starts in audio
-- time (the CallEvent's leg_start_audio_ms, or a bound for records from before: start_known
-- false), whom it names, and the leg's agent figures once the call is summarised (measures).
-- calls.agent_id / team / queue stay the first leg's. Calls stored before 019 have no rows: their
-- calls row is their one leg (store/leg-scope.ts). A new table and its indexes: cheap at any size.
CREATE TABLE call_legs (
  tenant text NOT NULL,
  call_id text NOT NULL,
  start_ms integer NOT NULL,
  agent_id text NOT NULL,
  team text NOT NULL DEFAULT '',
  queue text NOT NULL DEFAULT '',
  start_known boolean NOT NULL,
  measures jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, call_id, start_ms)
);
CREATE INDEX call_legs_by_agent ON call_legs (tenant, agent_id);
CREATE INDEX call_legs_by_team ON call_legs (tenant, team);
CREATE INDEX call_legs_received_brin ON call_legs USING brin (received_at);

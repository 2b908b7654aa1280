-- 019: the legs of a call. A transfer that keeps the customer's baseline resumes the call with the
-- same call id and a CallStart naming the new agent, team and queue; the store kept the first
-- start's for the whole call, so the new agent could not open it and the first agent's scorecard
-- got both legs (transfer probe, 2026-12-07). One row per start: where its leg starts in audio
-- time (the CallEvent's leg_start_audio_ms, or a bound for records from before: start_known
-- false), whom it names, and the leg's agent figures once the call is summarised (measures).
-- calls.agent_id / team / queue stay the first leg's; a call of several legs also lists every
-- leg's agents and teams (leg_agents, leg_teams; NULL for one leg), so "calls of agent X" stays
-- an index search (a btree on agent_id OR a GIN on leg_agents) instead of a scan of the tenant's
-- calls probing call_legs per row (20 000 PGlite calls: agent search 9.8 ms that way, 4.8 ms
-- with these columns, 4.2 ms before legs; the agent summary 1.1 s, 6.2 ms, 1.3 ms).
-- Calls stored before 019 have no leg rows: their calls row is their one leg (store/leg-scope.ts).
-- The key is the start's audio time and whom it names: a transfer before a resumed stream's
-- second frame starts at that resume's audio time, and a key of the time alone dropped it (review
-- revlegs). announced_at (the CallStart's producedAtMs; NULL when unknown) orders starts at the
-- same audio time. A replayed start is the same row.
-- The new table and the nullable columns are cheap at any size. The GIN indexes over calls block
-- its writes while they build (not measured at 7 M rows; the columns are all NULL then): on a
-- big store build them by hand with CREATE INDEX CONCURRENTLY first (README, "Writing a
-- migration"), and these find them.
SET LOCAL lock_timeout = '5s';
CREATE TABLE call_legs (
  tenant text NOT NULL,
  call_id text NOT NULL,
  start_ms integer NOT NULL,
  agent_id text NOT NULL,
  team text NOT NULL DEFAULT '',
  queue text NOT NULL DEFAULT '',
  start_known boolean NOT NULL,
  announced_at timestamptz,
  measures jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, call_id, start_ms, agent_id, team, queue)
);
CREATE INDEX call_legs_by_agent ON call_legs (tenant, agent_id);
CREATE INDEX call_legs_by_team ON call_legs (tenant, team);
CREATE INDEX call_legs_received_brin ON call_legs USING brin (received_at);
ALTER TABLE calls ADD COLUMN IF NOT EXISTS leg_agents text[], ADD COLUMN IF NOT EXISTS leg_teams text[];
CREATE INDEX IF NOT EXISTS calls_by_leg_agents ON calls USING gin (leg_agents);
CREATE INDEX IF NOT EXISTS calls_by_leg_teams ON calls USING gin (leg_teams);

-- 001: the call store's tables. Runs unchanged on PostgreSQL and PGlite.
-- Child rows carry no foreign key to calls: topics are consumed in parallel, so a call's windows
-- may arrive before its CallStart. Primary keys are the components of the deterministic event ids
-- (`${callId}:${channel}:${windowIndex}:${kind}`), which makes every write idempotent.

CREATE TABLE calls (
  call_id text PRIMARY KEY,
  tenant text NOT NULL,
  agent_id text NOT NULL,
  queue text NOT NULL DEFAULT '',
  customer_ref text,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  duration_ms integer,
  status text NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'ended')),
  source text NOT NULL DEFAULT 'live' CHECK (source IN ('live', 'import')),
  store_features boolean NOT NULL DEFAULT true,
  needs_summary boolean NOT NULL DEFAULT false,
  customer_anger_s real NOT NULL DEFAULT 0,
  alerts_count integer NOT NULL DEFAULT 0,
  unacked_alerts integer NOT NULL DEFAULT 0,
  trajectory real,
  score real,
  summary jsonb,
  scorecard jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calls_by_tenant_time ON calls (tenant, started_at DESC, call_id DESC);
CREATE INDEX calls_by_agent_time ON calls (tenant, agent_id, started_at DESC, call_id DESC);
CREATE INDEX calls_by_tenant_score ON calls (tenant, (coalesce(score, -1)) DESC, call_id DESC);
CREATE INDEX calls_by_tenant_anger ON calls (tenant, customer_anger_s DESC, call_id DESC);
CREATE INDEX calls_needing_summary ON calls (call_id) WHERE needs_summary;

CREATE TABLE speaker_windows (
  call_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('agent', 'customer')),
  window_index integer NOT NULL,
  start_ms integer NOT NULL,
  end_ms integer NOT NULL,
  speech_fraction real NOT NULL,
  voiced_fraction real NOT NULL,
  pitch_hz real,
  pitch_st real,
  loudness_dbfs real,
  syllable_rate real,
  tension real,
  features jsonb NOT NULL,
  PRIMARY KEY (call_id, channel, window_index)
);

CREATE TABLE emotion_events (
  call_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('agent', 'customer')),
  window_index integer NOT NULL,
  start_ms integer NOT NULL,
  end_ms integer NOT NULL,
  state text NOT NULL,
  raw_label text NOT NULL,
  arousal real NOT NULL,
  valence real NOT NULL,
  confidence real NOT NULL,
  probabilities jsonb NOT NULL,
  evidence jsonb NOT NULL,
  PRIMARY KEY (call_id, channel, window_index)
);

CREATE TABLE dynamics_windows (
  call_id text NOT NULL,
  window_index integer NOT NULL,
  start_ms integer NOT NULL,
  end_ms integer NOT NULL,
  overtalk_count integer NOT NULL,
  overtalk_ms integer NOT NULL,
  mutual_silence_ms integer NOT NULL,
  longest_mutual_silence_ms integer NOT NULL,
  talk_ratio_agent real,
  agent_latencies_ms jsonb NOT NULL,
  customer_latencies_ms jsonb NOT NULL,
  PRIMARY KEY (call_id, window_index)
);

CREATE TABLE alerts (
  alert_id text PRIMARY KEY,
  call_id text NOT NULL,
  tenant text NOT NULL,
  rule_id text NOT NULL,
  severity text NOT NULL,
  audience text NOT NULL,
  channel text,
  start_ms integer NOT NULL,
  fired_at timestamptz NOT NULL,
  message text NOT NULL,
  evidence jsonb NOT NULL
);
CREATE INDEX alerts_by_call ON alerts (call_id, start_ms);

CREATE TABLE alert_acks (
  alert_id text PRIMARY KEY,
  call_id text NOT NULL,
  acked_by text NOT NULL,
  acked_at timestamptz NOT NULL
);
CREATE INDEX alert_acks_by_call ON alert_acks (call_id);

CREATE TABLE reviews (
  review_id text PRIMARY KEY,
  call_id text NOT NULL,
  tenant text NOT NULL,
  reviewer text NOT NULL,
  notes text NOT NULL,
  score_override real,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_by_call ON reviews (call_id, created_at);

CREATE TABLE tenant_settings (
  tenant text PRIMARY KEY,
  retention_days integer NOT NULL CHECK (retention_days > 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

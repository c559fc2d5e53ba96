-- Triage results: where something moves in each video.

CREATE TABLE activity_runs (
  sha256          text NOT NULL REFERENCES blobs(sha256),
  mode            text NOT NULL CHECK (mode IN ('fast', 'thorough')),
  tool            text NOT NULL,
  fps             double precision NOT NULL,
  width           integer NOT NULL,
  height          integer NOT NULL,
  curve           jsonb NOT NULL,   -- per-second activity score, 0..1
  masked          jsonb NOT NULL,   -- overlay regions (burned-in clock, label) excluded
  decoded_seconds double precision NOT NULL,
  ledger_seq      bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, mode, tool)
);

CREATE TABLE segments (
  id         bigserial PRIMARY KEY,
  sha256     text NOT NULL REFERENCES blobs(sha256),
  kind       text NOT NULL CHECK (kind IN ('activity')),
  source     text NOT NULL,          -- e.g. "activity thorough ffmpeg 5.1.9"
  start_sec  double precision NOT NULL CHECK (start_sec >= 0),
  end_sec    double precision NOT NULL CHECK (end_sec >= start_sec),
  score      double precision NOT NULL,
  peak       double precision NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX segments_sha256 ON segments (sha256, start_sec);

CREATE TRIGGER activity_runs_append_only BEFORE UPDATE OR DELETE ON activity_runs
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER segments_append_only BEFORE UPDATE OR DELETE ON segments
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();

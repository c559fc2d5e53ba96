-- Triage results: faces on sampled frames of each video (later: redaction suggestions).
-- Boxes are fractions (0..1) of the frame's width and height, so they hold at any display size.

CREATE TABLE face_runs (
  sha256            text NOT NULL REFERENCES blobs(sha256),
  tool              text NOT NULL,                -- the ffmpeg that decoded the frames
  model             text NOT NULL,                -- detector, settings and face-api version
  sample_fps        double precision NOT NULL CHECK (sample_fps > 0),
  frames            integer NOT NULL CHECK (frames >= 0),
  frames_with_faces integer NOT NULL CHECK (frames_with_faces >= 0 AND frames_with_faces <= frames),
  max_faces         integer NOT NULL CHECK (max_faces >= 0),
  ledger_seq        bigint NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, tool, model)
);

CREATE TABLE face_boxes (
  id     bigserial PRIMARY KEY,
  sha256 text NOT NULL,
  tool   text NOT NULL,
  model  text NOT NULL,
  t_sec  double precision NOT NULL CHECK (t_sec >= 0),
  x      double precision NOT NULL CHECK (x >= 0 AND x <= 1),
  y      double precision NOT NULL CHECK (y >= 0 AND y <= 1),
  w      double precision NOT NULL CHECK (w >= 0 AND x + w <= 1.000001),
  h      double precision NOT NULL CHECK (h >= 0 AND y + h <= 1.000001),
  score  double precision NOT NULL CHECK (score >= 0 AND score <= 1),
  FOREIGN KEY (sha256, tool, model) REFERENCES face_runs (sha256, tool, model)
);
CREATE INDEX face_boxes_sha256 ON face_boxes (sha256, t_sec);

CREATE TRIGGER face_runs_append_only BEFORE UPDATE OR DELETE ON face_runs
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER face_boxes_append_only BEFORE UPDATE OR DELETE ON face_boxes
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();

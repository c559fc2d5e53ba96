-- Triage results: the DVR overlay burned into each video (its clock and camera label), read by OCR.
-- start_time is the burned-in wall clock at the first frame; the overlay does not say its time zone,
-- so the wall clock is stored as if it were UTC.

CREATE TABLE overlay_runs (
  sha256       text NOT NULL REFERENCES blobs(sha256),
  tool         text NOT NULL,            -- OCR engine and language data, e.g. "tesseract.js 7.0.0; eng …; rus …"
  start_time   timestamptz NULL,         -- null when no clock could be read (see flags)
  camera_label text NULL,
  confidence   double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  flags        jsonb NOT NULL,           -- [{kind: 'clock-jump' | 'metadata-mismatch' | 'unreadable', …}]
  ledger_seq   bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, tool)
);
CREATE INDEX overlay_runs_camera_label ON overlay_runs (camera_label);

CREATE TABLE overlay_readings (
  id          bigserial PRIMARY KEY,
  sha256      text NOT NULL REFERENCES blobs(sha256),
  tool        text NOT NULL,
  at_sec      double precision NOT NULL CHECK (at_sec >= 0),
  text        text NOT NULL,
  parsed_time timestamptz NULL,
  confidence  double precision NOT NULL,
  region      jsonb NOT NULL,             -- {kind: 'clock' | 'label', x, y, w, h} in frame pixels
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (sha256, tool) REFERENCES overlay_runs (sha256, tool)
);
CREATE INDEX overlay_readings_sha256 ON overlay_readings (sha256, tool, at_sec);

CREATE TRIGGER overlay_runs_append_only BEFORE UPDATE OR DELETE ON overlay_runs
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER overlay_readings_append_only BEFORE UPDATE OR DELETE ON overlay_readings
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();

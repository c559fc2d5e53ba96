-- Near-duplicates by the burned-in clock (ADR 0025): what linked each member into its group, and an
-- index to find the videos whose overlay clock starts near a given time (the clock candidates of a
-- video are those of its case with the same camera label whose clocks overlap its own).
--   fingerprint: the pictures matched (movement reproduced; exact byte copies too)
--   clock:       same camera label, overlapping overlay clocks, static pictures agreeing at the
--                clock's offset (a quiet stretch in which nothing moves)
ALTER TABLE duplicate_members
  ADD COLUMN evidence text NOT NULL DEFAULT 'fingerprint' CHECK (evidence IN ('fingerprint', 'clock'));

CREATE INDEX overlay_runs_start_time ON overlay_runs (start_time) WHERE start_time IS NOT NULL AND camera_label IS NOT NULL;

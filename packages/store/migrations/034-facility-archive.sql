-- Facilities that are no longer documented (closed, renamed beyond recognition, entered by
-- mistake but already cited) can be archived instead of deleted: hidden from the pickers of new
-- documentation, still named by the incidents, positions and proceedings that cite them, and
-- restorable. Archiving and restoring are ledgered by the use case.
ALTER TABLE facilities ADD COLUMN archived_at timestamptz;

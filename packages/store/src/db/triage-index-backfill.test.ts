import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMigrations, migrate } from './migrate.js';
import type { Db } from './db.js';
import { PgliteDb } from './pglite.db.js';
import { PostgresDb } from './postgres.db.js';
import { createTestDatabase, DB_KINDS } from '../testing/test-databases.js';
import { PgItemClocks } from '../documentation/pg-documentation.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

for (const kind of DB_KINDS) describe(`migration 018 on an existing vault (${kind})`, () => {
  it('fills camera, overlay start, near-duplicate group and OCR documents of items recorded before it', async () => {
    const pg = kind === 'postgres' ? await createTestDatabase() : null;
    const db: Db = pg ? await PostgresDb.open(pg.url) : await PgliteDb.open(null);
    try {
      const all = loadMigrations();
      await migrate(db, all.filter((m) => m.version < 18));
      await db.exec(`
        INSERT INTO cases (id, name) VALUES (1, 'c');
        INSERT INTO acquisitions (id, case_id, kind, resume_key, operator, host, tool_version, roots, options, started_at, status, ledger_seq)
          VALUES (1, 1, 'bulk-ingest', 'k', 'op', 'h', 't', '[]', '{}', now(), 'complete', 0);
        INSERT INTO blobs (sha256, size) VALUES ('${A}', 1), ('${B}', 1);
        INSERT INTO items (id, case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, sha256, size, kind, format, status, ledger_seq)
          VALUES (1, 1, 1, 'x', '/dvr/cam7.mp4', 'cam7.mp4', 'utf-8', '${A}', 1, 'video', 'mp4', 'ok', 0),
                 (2, 1, 1, 'y', '/export/cam7.mp4', 'cam7.mp4', 'utf-8', '${B}', 1, 'video', 'mp4', 'ok', 0);
        INSERT INTO facilities (id, kind, name, overlay_label, overlay_label_norm) VALUES (100, 'region', 'r', NULL, NULL);
        INSERT INTO overlay_runs (sha256, tool, start_time, camera_label, confidence, flags, ledger_seq)
          VALUES ('${A}', 'ocr', '2024-03-15T14:21:52Z', 'KAMEPA 7', 0.9,
            '[{"kind":"clock-jump","fromSec":3,"toSec":4,"before":"2024-03-15T14:21:55Z","after":"2024-03-15T15:21:56Z","jumpSec":3600}]', 0);
        INSERT INTO overlay_readings (sha256, tool, at_sec, text, parsed_time, confidence, region)
          VALUES ('${A}', 'ocr', 0, '2024-03-15 14:21:52', '2024-03-15T14:21:52Z', 0.9, '{"kind":"clock"}'),
                 ('${A}', 'ocr', 0, 'KAMEPA 7', NULL, 0.9, '{"kind":"label"}');
        INSERT INTO duplicate_groups (id, case_id, reference_sha256, reference_sec, ledger_seq) VALUES (5, 1, '${A}', 0, 0);
        INSERT INTO duplicate_members (case_id, sha256, group_id, kind, offset_sec, duration_sec, similarity, ledger_seq)
          VALUES (1, '${A}', 5, 'exact', 0, 10, 1, 0), (1, '${B}', 5, 're-encoded', 0, 10, 0.9, 0);
      `);
      await migrate(db, all);
      const r = await db.query<{ item_id: number; camera: string | null; overlay_start: Date | null; duplicate_group: string | null }>(
        'SELECT item_id, camera, overlay_start, duplicate_group FROM item_index ORDER BY item_id',
      );
      assert.equal(r.rows[0]!.camera, 'KAMEPA 7');
      assert.equal(new Date(r.rows[0]!.overlay_start!).toISOString(), '2024-03-15T14:21:52.000Z');
      assert.deepEqual(r.rows.map((x) => x.duplicate_group), ['5', '5']);
      assert.equal(r.rows[1]!.camera, null);
      const hit = await db.query<{ item_id: number }>("SELECT item_id FROM search_docs WHERE source = 'ocr' AND tsv @@ custodia_search_query('kamepa')");
      assert.deepEqual(hit.rows.map((x) => Number(x.item_id)), [1]);
      // The incident time source sees the overlay start and the clock jump triage found.
      const clocks = await new PgItemClocks(db).clocksOf(1);
      assert.equal(clocks.overlayStart?.toISOString(), '2024-03-15T14:21:52.000Z');
      assert.deepEqual(clocks.clockJumps, [{ atSec: 4, bySec: 3600 }]);
      // A camera labelled in Cyrillic («КАМЕРА 7») claims the recordings whose label OCR read with Latin look-alikes.
      await db.query("INSERT INTO facilities (kind, name, parent_id, overlay_label, overlay_label_norm) VALUES ('camera', 'Камера 7', 100, 'КАМЕРА 7', custodia_overlay_label_norm('КАМЕРА 7'))");
      const after = await db.query<{ camera: string | null }>('SELECT camera FROM item_index WHERE item_id = 1');
      assert.equal(after.rows[0]!.camera, 'КАМЕРА 7');
    } finally {
      await db.close();
      await pg?.drop();
    }
  });
});

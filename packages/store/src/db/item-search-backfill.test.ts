import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMigrations, migrate } from './migrate.js';
import type { Db } from './db.js';
import { PgliteDb } from './pglite.db.js';
import { PostgresDb } from './postgres.db.js';
import { createTestDatabase, DB_KINDS } from '../testing/test-databases.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

for (const kind of DB_KINDS) describe(`migration 028 on an existing vault (${kind})`, () => {
  it("merges each item's search documents into one, and keeps it merged as documents come and go", async () => {
    const pg = kind === 'postgres' ? await createTestDatabase() : null;
    const db: Db = pg ? await PostgresDb.open(pg.url) : await PgliteDb.open(null);
    try {
      const all = loadMigrations();
      await migrate(db, all.filter((m) => m.version < 28));
      await db.exec(`
        INSERT INTO cases (id, name) VALUES (1, 'c');
        INSERT INTO acquisitions (id, case_id, kind, resume_key, operator, host, tool_version, roots, options, started_at, status, ledger_seq)
          VALUES (1, 1, 'bulk-ingest', 'k', 'op', 'h', 't', '[]', '{}', now(), 'complete', 0);
        INSERT INTO blobs (sha256, size) VALUES ('${A}', 1), ('${B}', 1);
        INSERT INTO items (id, case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, sha256, size, kind, format, status, ledger_seq)
          VALUES (1, 1, 1, 'x', '/dvr/коридор.mp4', 'коридор.mp4', 'utf-8', '${A}', 1, 'video', 'mp4', 'ok', 0),
                 (2, 1, 1, 'y', '/export/yard.mp4', 'yard.mp4', 'utf-8', '${B}', 1, 'video', 'mp4', 'ok', 0);
        INSERT INTO search_docs (case_id, item_id, source, tsv) VALUES (1, 1, 'ocr', custodia_search_vector('КАМЕРА 7 дежурная часть'));
      `);
      await migrate(db, all);
      const found = async (q: string) =>
        (await db.query<{ item_id: number }>('SELECT item_id FROM item_search WHERE case_id = 1 AND tsv @@ custodia_search_query($1) ORDER BY item_id', [q])).rows.map((r) => Number(r.item_id));
      const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM item_search');
      assert.equal(rows.rows[0]!.n, 2, 'one merged document per item');
      assert.deepEqual(await found('коридоры'), [1]); // the path (Russian stem)
      assert.deepEqual(await found('дежурной'), [1]); // the OCR text, merged with the path
      assert.deepEqual(await found('yards'), [2]); // English stem
      // A phrase still matches within one document.
      assert.deepEqual(await found('"дежурная часть"'), [1]);

      // New documents are appended; a removed one leaves the merged document, the rest stays.
      await db.query("INSERT INTO search_docs (case_id, item_id, source, ref_id, tsv) VALUES (1, 2, 'annotation', 9, custodia_search_vector('beating with a baton')), (1, 2, 'annotation', 10, custodia_search_vector('threats'))");
      assert.deepEqual(await found('batons'), [2]);
      assert.deepEqual(await found('threat'), [2]);
      await db.query("DELETE FROM search_docs WHERE source = 'annotation' AND ref_id = 9");
      assert.deepEqual(await found('batons'), []);
      assert.deepEqual(await found('threat'), [2]);
      assert.deepEqual(await found('yards'), [2]);
      // A document repaired in place moves with it.
      await db.query("UPDATE search_docs SET item_id = 1 WHERE source = 'annotation' AND ref_id = 10");
      assert.deepEqual(await found('threat'), [1]);
      // A new item gets its merged document from its path document (the item trigger).
      await db.query(`INSERT INTO items (id, case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, sha256, size, kind, format, status, ledger_seq)
        VALUES (3, 1, 1, 'z', '/dvr/прогулка.mp4', 'прогулка.mp4', 'utf-8', '${B}', 1, 'video', 'mp4', 'ok', 0)`);
      assert.deepEqual(await found('прогулки'), [3]);
    } finally {
      await db.close();
      await pg?.drop();
    }
  });
});

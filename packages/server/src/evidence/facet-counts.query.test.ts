import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { initVault, type Queryable, type Vault } from '@custodia/store';
import { DB_KINDS, testConfig } from '@custodia/store/testing';
import { COMPACT_ROWS } from './facet-counts.query.js';
import { queryItems } from './items.query.js';
import type { ItemsPage, ItemsQuery } from './items.schemas.js';

// Items inserted one by one (each fires the item_index statement triggers on its own), so the
// case's delta rows pass the compaction threshold.
const N = 2400;

for (const kind of DB_KINDS) {
  describe(`facet counts kept by triggers (${kind})`, () => {
    let vault: Vault;
    let cleanup: () => Promise<void>;
    let caseId: number;
    let otherCase: number;
    before(async () => {
      const t = await testConfig(kind);
      cleanup = t.cleanup;
      vault = (await initVault(t.config, { actor: 'test' })).vault;
      caseId = (await vault.repo.ensureCase('Counts case', 'test')).id;
      otherCase = (await vault.repo.ensureCase('Other case', 'test')).id;
      for (const [c, n] of [[caseId, N], [otherCase, 30]] as const) {
        const acq = await vault.repo.startAcquisition(
          { caseId: c, kind: 'bulk-ingest', resumeKey: `counts${c}`, operator: 'test', host: 'test', toolVersion: '0', sourceLabel: 'test', note: null, roots: ['/dump'], options: {} },
          'test',
        );
        await vault.db.query(
          `DO $$ DECLARE i int; BEGIN FOR i IN 1..${n} LOOP
             INSERT INTO blobs (sha256, size) VALUES (encode(sha256(('blob' || ${c} || '-' || (i / 2))::bytea), 'hex'), 1000) ON CONFLICT DO NOTHING;
             INSERT INTO items (case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, size, mtime, sha256, kind, format, status, ledger_seq)
               VALUES (${c}, ${acq.id}, convert_to('/dump/' || i, 'UTF8'), '/dump/' || lpad(i::text, 5, '0'), '/dump/' || i, 'utf-8', 1000 + i,
                       '2024-03-15T10:00:00Z', encode(sha256(('blob' || ${c} || '-' || (i / 2))::bytea), 'hex'),
                       CASE WHEN i % 10 = 0 THEN 'image' WHEN i % 17 = 0 THEN 'document' ELSE 'video' END, 'mp4',
                       CASE WHEN i % 31 = 0 THEN 'truncated' ELSE 'ok' END, 0);
           END LOOP; END $$`,
        );
      }
      // Facts arriving later, as the pipeline and the documentation write them: updates of subsets.
      await vault.db.query(`UPDATE item_index SET activity_seconds = item_id % 9 WHERE case_id = $1 AND item_id % 3 = 0`, [caseId]);
      await vault.db.query(`UPDATE item_index SET camera = 'CAM ' || (item_id % 5), overlay_start = timestamptz '2024-03-01' + item_id * interval '1 hour' WHERE case_id = $1 AND item_id % 4 <> 0`, [caseId]);
      await vault.db.query(`UPDATE item_index SET tags = ARRAY[(item_id % 3) + 1, 7]::bigint[] WHERE case_id = $1 AND item_id % 5 = 0`, [caseId]);
      await vault.db.query(`UPDATE item_index SET review_state = CASE WHEN item_id % 2 = 0 THEN 'annotated' ELSE 'verified' END WHERE case_id = $1 AND item_id % 7 = 0`, [caseId]);
      // A change back and forth, one by one.
      for (const id of (await vault.db.query<{ item_id: number }>('SELECT item_id FROM item_index WHERE case_id = $1 ORDER BY item_id LIMIT 40', [caseId])).rows) {
        await vault.db.query(`UPDATE item_index SET review_state = 'disputed', tags = '{9}' WHERE item_id = $1`, [id.item_id]);
        await vault.db.query(`UPDATE item_index SET poster_sha256 = 'p' WHERE item_id = $1`, [id.item_id]);
      }
      // Protection (migration 040): written set-wise and one by one, the protected items changed
      // afterwards, some protections lifted, some rewritten.
      await vault.db.query('INSERT INTO protected_items (item_id, case_id) SELECT item_id, case_id FROM item_index WHERE case_id = $1 AND item_id % 11 = 0', [caseId]);
      for (const id of (await vault.db.query<{ item_id: number }>('SELECT item_id FROM item_index WHERE case_id = $1 AND item_id % 13 = 1 ORDER BY item_id LIMIT 60', [caseId])).rows) {
        await vault.db.query('INSERT INTO protected_items (item_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id.item_id, caseId]);
      }
      await vault.db.query(`UPDATE item_index SET review_state = 'in-review', tags = tags || 5::bigint, kind = 'document' WHERE case_id = $1 AND item_id % 22 = 0`, [caseId]);
      await vault.db.query('DELETE FROM protected_items WHERE item_id IN (SELECT item_id FROM item_index WHERE case_id = $1 AND item_id % 33 = 0)', [caseId]);
      await vault.db.query("UPDATE protected_items SET protected_at = now() - interval '1 day' WHERE item_id % 2 = 0");
      await vault.db.query('INSERT INTO protected_items (item_id, case_id) SELECT item_id, case_id FROM item_index WHERE case_id = $1 AND item_id % 10 = 7', [otherCase]);
    });
    after(async () => {
      await vault?.close();
      await cleanup?.();
    });

    /**
     * What the counts must be, straight from item_index, one facet at a time; `hide`: for a member
     * without the source-identity grant (protection read from protected_items itself).
     */
    async function reference(extra: string, params: unknown[] = [], hide = false, c = caseId, db: Queryable = vault.db): Promise<{ facets: ItemsPage['facets']; total: number }> {
      const base = `FROM item_index i WHERE i.case_id = $1 ${extra}${hide ? ' AND NOT EXISTS (SELECT 1 FROM protected_items p WHERE p.item_id = i.item_id)' : ''}`;
      const group = async (expr: string) => {
        const r = await db.query<{ k: string | null; n: number }>(`SELECT ${expr} AS k, count(*)::int AS n ${base} GROUP BY 1`, [c, ...params]);
        return Object.fromEntries(r.rows.map((x) => [x.k ?? '(unknown)', x.n]));
      };
      const tags = await db.query<{ k: string; n: number }>(`SELECT t::text AS k, count(*)::int AS n ${base.replace('WHERE', 'CROSS JOIN LATERAL unnest(i.tags) t WHERE')} GROUP BY 1`, [c, ...params]);
      const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${base}`, [c, ...params]);
      return {
        total: total.rows[0]!.n,
        facets: {
          kind: await group('i.kind'),
          status: await group('i.status'),
          camera: await group('i.camera'),
          hasActivity: await group('(i.activity_seconds > 0)::text'),
          duplicate: await group('(i.duplicate_group IS NOT NULL)::text'),
          review: await group('i.review_state'),
          tag: Object.fromEntries(tags.rows.map((x) => [x.k, x.n])),
        },
      };
    }
    const query = (q: Partial<ItemsQuery>, hide = false, c = caseId, db: Queryable = vault.db) =>
      queryItems(db, c, { sort: 'path', limit: 20, ...q } as ItemsQuery, { facilities: true }, { hideProtected: hide });
    /** Counts (and totals) for a holder of the grant and for a member without it, each against counting the items. */
    async function bothAgree(q: Partial<ItemsQuery>, extra: string, params: unknown[] = [], c = caseId, db: Queryable = vault.db): Promise<void> {
      for (const hide of [false, true]) {
        const r = await query(q, hide, c, db);
        assert.deepEqual({ facets: r.facets, total: r.total }, await reference(extra, params, hide, c, db), `${JSON.stringify(q)}${hide ? ' without the grant' : ''}`);
      }
    }

    test('the unfiltered list: kept counts equal counting the items, and the delta rows are folded', async () => {
      const before = await vault.db.query<{ n: number }>('SELECT count(*)::int AS n FROM item_facet_counts WHERE case_id = $1', [caseId]);
      assert.ok(before.rows[0]!.n > COMPACT_ROWS, `delta rows piled up (${before.rows[0]!.n})`);
      const r = await query({});
      const ref = await reference('');
      assert.equal(r.total, N);
      assert.deepEqual({ facets: r.facets, total: r.total }, ref);
      assert.equal(r.estimated, false);
      assert.ok(ref.total - (await reference('', [], true)).total > 100, 'a good part of the items is protected');
      await bothAgree({}, '');
      const after = await vault.db.query<{ n: number }>('SELECT count(*)::int AS n FROM item_facet_counts WHERE case_id = $1', [caseId]);
      assert.ok(after.rows[0]!.n < 500, `folded to one row per combination (${after.rows[0]!.n})`);
      // Folding again changes nothing.
      await vault.db.query('SELECT custodia_item_facets_compact($1)', [caseId]);
      assert.deepEqual((await query({})).facets, ref.facets);
      await bothAgree({}, '');
    });

    test('filters on the counted columns: exact, drill-down counts', async () => {
      const cases: [Partial<ItemsQuery>, string][] = [
        [{ kind: ['video'] }, "AND i.kind = 'video'"],
        [{ kind: ['video', 'image'], hasActivity: true }, "AND i.kind IN ('video', 'image') AND i.activity_seconds > 0"],
        [{ hasActivity: false, review: ['annotated', 'verified'] }, "AND i.activity_seconds = 0 AND i.review_state IN ('annotated', 'verified')"],
        [{ camera: ['CAM 1', 'CAM 3'], status: ['ok'] }, "AND i.camera IN ('CAM 1', 'CAM 3') AND i.status = 'ok'"],
        [{ duplicateGroup: 'any', kind: ['video'] }, "AND i.duplicate_group IS NOT NULL AND i.kind = 'video'"],
        [{ review: ['disputed'] }, "AND i.review_state = 'disputed'"],
        [{ kind: ['nothing-like-this'] }, "AND i.kind = 'nothing-like-this'"],
      ];
      for (const [q, extra] of cases) await bothAgree({ ...q, sort: '-activity' }, extra);
    });

    test('filters the counts cannot answer (tag, time range, one duplicate group) count the items', async () => {
      const group = (await vault.db.query<{ g: string }>('SELECT duplicate_group AS g FROM item_index WHERE case_id = $1 AND duplicate_group IS NOT NULL LIMIT 1', [caseId])).rows[0]!.g;
      const cases: [Partial<ItemsQuery>, string, unknown[]][] = [
        [{ tag: [7], kind: ['video'] }, "AND i.tags && '{7}'::bigint[] AND i.kind = 'video'", []],
        [{ from: '2024-03-20T00:00:00Z' }, "AND i.overlay_start >= '2024-03-20T00:00:00Z'", []],
        [{ duplicateGroup: group }, 'AND i.duplicate_group = $2', [group]],
      ];
      for (const [q, extra, params] of cases) await bothAgree(q, extra, params);
    });

    test('writes inside a transaction show at once to it, and a rolled-back one leaves no trace', async () => {
      const ref = await reference('');
      await assert.rejects(
        vault.db.transaction(async (tx) => {
          await tx.query("UPDATE item_index SET kind = 'image', tags = '{42}' WHERE case_id = $1 AND item_id % 2 = 0", [caseId]);
          const inside = await queryItems(tx, caseId, { sort: 'path', limit: 5 } as ItemsQuery, { facilities: true });
          assert.equal(inside.facets.tag['42'], N / 2);
          // Protection written and lifted inside the transaction shows to it at once.
          await tx.query('INSERT INTO protected_items (item_id, case_id) SELECT item_id, case_id FROM item_index WHERE case_id = $1 AND item_id % 7 = 3 ON CONFLICT DO NOTHING', [caseId]);
          await tx.query('DELETE FROM protected_items WHERE item_id % 5 = 2');
          await bothAgree({}, '', [], caseId, tx);
          await bothAgree({ kind: ['image'], status: ['ok'] }, "AND i.kind = 'image' AND i.status = 'ok'", [], caseId, tx);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual((await query({})).facets, ref.facets);
      await bothAgree({}, '');
    });

    test('a removed index row is counted out; other cases are not mixed in', async () => {
      const one = (await vault.db.query<{ item_id: number }>('SELECT item_id FROM item_index WHERE case_id = $1 AND tags <> $2 ORDER BY item_id DESC LIMIT 1', [caseId, '{}'])).rows[0]!;
      await vault.db.transaction(async (tx) => {
        await tx.query('DELETE FROM item_index WHERE item_id = $1', [one.item_id]);
        const r = await queryItems(tx, caseId, { sort: 'path', limit: 5 } as ItemsQuery, { facilities: true });
        assert.equal(r.total, N - 1);
        await bothAgree({}, '', [], caseId, tx);
        const ref = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM item_index WHERE case_id = $1', [otherCase]);
        const other = await queryItems(tx, otherCase, { sort: 'path', limit: 5 } as ItemsQuery, { facilities: true });
        assert.equal(other.total, ref.rows[0]!.n);
        await bothAgree({}, '', [], otherCase, tx);
        throw new Error('keep the row');
      }).catch((e: Error) => assert.match(e.message, /keep the row/));
    });

    test('protection written item by item piles up delta rows that a read folds; both kinds of member still agree', async () => {
      for (const id of (await vault.db.query<{ item_id: number }>('SELECT item_id FROM item_index WHERE case_id = $1 AND item_id % 11 = 5 ORDER BY item_id', [caseId])).rows) {
        await vault.db.query('INSERT INTO protected_items (item_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id.item_id, caseId]);
        await vault.db.query('DELETE FROM protected_items WHERE item_id = $1', [id.item_id]);
        await vault.db.query('INSERT INTO protected_items (item_id, case_id) VALUES ($1, $2)', [id.item_id, caseId]);
      }
      const rows = async () => (await vault.db.query<{ n: number }>('SELECT count(*)::int AS n FROM item_facet_counts WHERE case_id = $1', [caseId])).rows[0]!.n;
      assert.ok((await rows()) > COMPACT_ROWS, 'delta rows piled up');
      await bothAgree({ review: ['none', 'disputed'] }, "AND i.review_state IN ('none', 'disputed')");
      await bothAgree({}, '');
      assert.ok((await rows()) < 1000, 'folded');
      await bothAgree({ hasActivity: true, duplicateGroup: 'any' }, 'AND i.activity_seconds > 0 AND i.duplicate_group IS NOT NULL');
      await bothAgree({ tag: [5] }, "AND i.tags && '{5}'::bigint[]");
    });

    // Two transactions writing one item meet on its index row, never on a counter row; whichever
    // comes first, the item is counted once, in the combination and the protection it ends with.
    test('protection and another change of the same item in concurrent transactions', { skip: kind !== 'postgres' }, async () => {
      const free = (await vault.db.query<{ item_id: number }>(
        'SELECT item_id FROM item_index i WHERE case_id = $1 AND NOT EXISTS (SELECT 1 FROM protected_items p WHERE p.item_id = i.item_id) ORDER BY item_id LIMIT 2', [caseId],
      )).rows.map((r) => r.item_id);
      const waiting = async () => {
        for (;;) {
          const r = await vault.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
          if (r.rows[0]!.n > 0) return;
          await new Promise((res) => setTimeout(res, 10));
        }
      };
      const race = async (first: string, second: string, params: unknown[]) => {
        let wrote!: () => void;
        const written = new Promise<void>((res) => (wrote = res));
        let release!: () => void;
        const held = new Promise<void>((res) => (release = res));
        const one = vault.db.transaction(async (tx) => {
          await tx.query(first, params);
          wrote();
          await held;
        });
        await written;
        const two = vault.db.query(second, params);
        await waiting();
        release();
        await Promise.all([one, two]);
      };
      const protect = 'INSERT INTO protected_items (item_id, case_id) VALUES ($1, $2)';
      const change = "UPDATE item_index SET kind = 'image', review_state = 'verified', tags = tags || 8::bigint WHERE item_id = $1 AND case_id = $2";
      await race(protect, change, [free[0], caseId]);
      await race(change, protect, [free[1], caseId]);
      const unprotect = 'DELETE FROM protected_items WHERE item_id = $1 AND case_id = $2';
      const back = "UPDATE item_index SET kind = 'video', review_state = 'none' WHERE item_id = $1 AND case_id = $2";
      await race(unprotect, back, [free[0], caseId]);
      await race(back, unprotect, [free[1], caseId]);
      await vault.db.query('SELECT custodia_item_facets_compact($1)', [caseId]);
      await bothAgree({}, '');
      await bothAgree({ kind: ['image'], review: ['verified'] }, "AND i.kind = 'image' AND i.review_state = 'verified'");
    });
  });
}

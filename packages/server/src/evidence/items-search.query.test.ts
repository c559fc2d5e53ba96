import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { initVault, type Vault } from '@custodia/store';
import { DB_KINDS, testConfig } from '@custodia/store/testing';
import { queryItems } from './items.query.js';
import type { ItemsQuery } from './items.schemas.js';
import { SEARCH_EXACT } from './text-matches.query.js';

const N = 2600;

for (const kind of DB_KINDS) {
  describe(`items search over the merged documents (${kind})`, () => {
    let vault: Vault;
    let cleanup: () => Promise<void>;
    let caseId: number;
    before(async () => {
      const t = await testConfig(kind);
      cleanup = t.cleanup;
      vault = (await initVault(t.config, { actor: 'test' })).vault;
      const kase = await vault.repo.ensureCase('Search case', 'test');
      caseId = kase.id;
      const acq = await vault.repo.startAcquisition(
        { caseId, kind: 'bulk-ingest', resumeKey: 'search', operator: 'test', host: 'test', toolVersion: '0', sourceLabel: 'test', note: null, roots: ['/dump'], options: {} },
        'test',
      );
      await vault.db.query(
        `WITH g AS (SELECT i FROM generate_series(1, $3::int) AS i),
         b AS (INSERT INTO blobs (sha256, size) SELECT encode(sha256(('blob' || i)::bytea), 'hex'), 1000 + i FROM g)
         INSERT INTO items (case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, size, mtime, sha256, kind, format, status, ledger_seq)
         SELECT $1, $2, convert_to(p, 'UTF8'), p, p, 'utf-8', 1000 + (i * 7919) % 5000, '2024-03-15T10:00:00Z', encode(sha256(('blob' || i)::bytea), 'hex'),
                CASE WHEN i % 10 = 0 THEN 'image' ELSE 'video' END, 'mp4', 'ok', 0
         FROM (SELECT i, '/dump/cam' || (i % 4) || '/' || lpad(i::text, 5, '0') || '.mp4' AS p FROM g) x`,
        [caseId, acq.id, N],
      );
      // Annotation notes: a common word in all but every 13th item (more matches than are listed
      // one by one), a rare one in every 13th.
      await vault.db.query(
        `INSERT INTO search_docs (case_id, item_id, source, ref_id, tsv)
         SELECT case_id, item_id, 'annotation', item_id,
           custodia_search_vector(CASE WHEN item_id % 13 = 0 THEN 'the detainee walks in the yard' ELSE 'избиение в коридоре, beating' END)
         FROM item_index WHERE case_id = $1`,
        [caseId],
      );
    });
    after(async () => {
      await vault?.close();
      await cleanup?.();
    });

    /** What the search must return, straight from the per-source documents. */
    async function reference(words: string, extra = '', order = 'i.path, i.item_id'): Promise<{ item_id: number; kind: string }[]> {
      const r = await vault.db.query<{ item_id: number; kind: string }>(
        `SELECT i.item_id, i.kind FROM item_index i WHERE i.case_id = $1 ${extra}
         AND EXISTS (SELECT 1 FROM search_docs d WHERE d.item_id = i.item_id AND d.tsv @@ custodia_search_query($2)) ORDER BY ${order}`,
        [caseId, words],
      );
      return r.rows.map((x) => ({ item_id: Number(x.item_id), kind: x.kind }));
    }
    const query = (q: Partial<ItemsQuery>) => queryItems(vault.db, caseId, { sort: 'path', limit: 50, ...q } as ItemsQuery, { facilities: true });

    test('a common word: the right items in sort order, page after page, and counts', async () => {
      const ref = await reference('beatings');
      assert.ok(ref.length > SEARCH_EXACT, 'the word matches more items than are listed one by one');
      const p1 = await query({ q: 'beatings' });
      assert.equal(p1.estimated, true);
      assert.deepEqual(p1.items.map((i) => i.id), ref.slice(0, 50).map((x) => x.item_id));
      const p2 = await query({ q: 'beatings', cursor: p1.nextCursor! });
      assert.deepEqual(p2.items.map((i) => i.id), ref.slice(50, 100).map((x) => x.item_id));
      // A table this small is sampled whole: the estimate is the count.
      assert.equal(p1.total, ref.length);
      assert.equal(p1.facets.kind.image, ref.filter((x) => x.kind === 'image').length);
      // Russian stemming too, and the same items.
      const ru = await query({ q: 'избиения' });
      assert.deepEqual(ru.items.map((i) => i.id), p1.items.map((i) => i.id));
    });

    test('a common word with a filter, another sort, descending', async () => {
      const images = await reference('beating', "AND i.kind = 'image'");
      const r = await query({ q: 'beating', kind: ['image'] });
      assert.deepEqual(r.items.map((i) => i.id), images.slice(0, 50).map((x) => x.item_id));
      assert.equal(r.total, images.length);
      const bySize = await reference('beating', '', 'i.size DESC, i.item_id DESC');
      const s = await query({ q: 'beating', sort: '-size', limit: 30 });
      assert.deepEqual(s.items.map((i) => i.id), bySize.slice(0, 30).map((x) => x.item_id));
      const byId = await reference('beating', '', 'i.item_id DESC');
      const d = await query({ q: 'beating', sort: '-id', limit: 30 });
      assert.deepEqual(d.items.map((i) => i.id), byId.slice(0, 30).map((x) => x.item_id));
    });

    test('a common word narrowed by filters to a few: listed and counted exactly', async () => {
      // The browse index is derived: set a review state on 40 items as the documentation module would.
      await vault.db.query("UPDATE item_index SET review_state = 'verified' WHERE case_id = $1 AND item_id % 60 = 1", [caseId]);
      const ref = await reference('beatings', "AND i.review_state = 'verified'");
      assert.ok(ref.length > 0 && ref.length < 100);
      const r = await query({ q: 'beatings', review: ['verified'], sort: '-size', limit: 20 });
      assert.equal(r.estimated, false);
      assert.equal(r.total, ref.length);
      assert.equal(r.facets.review.verified, ref.length);
      const bySize = await reference('beatings', "AND i.review_state = 'verified'", 'i.size DESC, i.item_id DESC');
      assert.deepEqual(r.items.map((i) => i.id), bySize.slice(0, 20).map((x) => x.item_id));
    });

    test('a common word with a tag filter (not in the kept counts) or facet filters: every facet exact', async () => {
      await vault.db.query("UPDATE item_index SET tags = ARRAY[5, (item_id % 2) + 1]::bigint[] WHERE case_id = $1 AND item_id % 50 = 3", [caseId]);
      const cases: [Partial<ItemsQuery>, string][] = [
        [{ tag: [5] }, "AND i.tags && '{5}'::bigint[]"],
        [{ kind: ['video'], review: ['verified'] }, "AND i.kind = 'video' AND i.review_state = 'verified'"],
        [{ kind: ['image'] }, "AND i.kind = 'image'"],
      ];
      for (const [q, extra] of cases) {
        const ref = await reference('beatings', extra);
        const r = await query({ q: 'beatings', ...q, limit: 10 });
        assert.equal(r.estimated, false, extra);
        assert.equal(r.total, ref.length, extra);
        assert.deepEqual(r.items.map((i) => i.id), ref.slice(0, 10).map((x) => x.item_id), extra);
        const ids = ref.map((x) => x.item_id);
        const facets = await vault.db.query<{ kind: string; review: string; tags: string[] }>('SELECT kind, review_state AS review, tags FROM item_index WHERE item_id = ANY($1::bigint[])', [ids]);
        const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});
        assert.deepEqual(r.facets.kind, count(facets.rows.map((x) => x.kind)), extra);
        assert.deepEqual(r.facets.review, count(facets.rows.map((x) => x.review)), extra);
        assert.deepEqual(r.facets.tag, count(facets.rows.flatMap((x) => x.tags.map((t) => String(Number(t))))), extra);
      }
    });

    test('a rarer word is counted exactly', async () => {
      const ref = await reference('yards');
      const r = await query({ q: 'yards', limit: 500 });
      assert.equal(r.estimated, false);
      assert.equal(r.total, ref.length);
      assert.deepEqual(r.items.map((i) => i.id), ref.map((x) => x.item_id));
      assert.equal((await query({ q: 'nothingmatches' })).total, 0);
    });
  });
}

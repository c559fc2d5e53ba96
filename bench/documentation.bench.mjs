#!/usr/bin/env node
// Documentation: per-operation latency of the write use cases (each one transaction with its
// ledger entry: create annotation, edit it, create incident, verify) and of the case ledger view
// (first page, a deep page, an actor filter) over BENCH_LEDGER ledger entries spread over 10 cases
// (default 200,000), on PostgreSQL and PGlite. Ledger rows for the view are inserted set-wise (their
// hashes are not a valid tree: this measures the view's query, not the ledger); one blob entry in
// ten concerns the measured case, as with ten cases of similar size.
//
// Env: BENCH_LEDGER, BENCH_OPS (writes per kind, default 100), BENCH_DB (postgres | pglite | both).
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';

const core = await import('@custodia/core');
const store = await import('@custodia/store');
const testing = await import('@custodia/store/testing');

const LEDGER = Number(process.env.BENCH_LEDGER ?? 200_000);
const OPS = Number(process.env.BENCH_OPS ?? 100);
const KINDS = (process.env.BENCH_DB ?? 'both') === 'both' ? ['postgres', 'pglite'] : [process.env.BENCH_DB];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (x) => Math.round(x * 10) / 10;
const sha = (s) => createHash('sha256').update(s).digest('hex');

async function timed(n, fn) {
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    t.push(performance.now() - t0);
  }
  return { p50: ms(pct(t, 50)), p95: ms(pct(t, 95)) };
}

for (const kind of KINDS) {
  const { config, cleanup } = await testing.testConfig(kind);
  const { vault } = await store.initVault(config, { actor: 'bench' });
  const db = vault.db;
  try {
    const caseIds = [];
    for (let c = 0; c < 10; c++) caseIds.push((await vault.repo.ensureCase(`Case ${c}`, 'bench')).id);
    const caseId = caseIds[0];
    const acq = (await db.query(`INSERT INTO acquisitions (case_id, kind, resume_key, operator, host, tool_version, roots, options, started_at, status, ledger_seq)
      VALUES ($1, 'bulk-ingest', 'b', 'b', 'b', '0', '[]', '{}', now(), 'complete', 0) RETURNING id`, [caseId])).rows[0].id;
    const items = [];
    for (let i = 0; i < 20; i++) {
      const h = sha(`bench ${i}`);
      await db.query('INSERT INTO blobs (sha256, size) VALUES ($1, 1)', [h]);
      items.push((await db.query(`INSERT INTO items (case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, size, sha256, kind, format, status, ledger_seq)
        VALUES ($1, $2, $3, $4, $4, 'utf-8', 1, $5, 'video', 'mp4', 'ok', 0) RETURNING id`, [caseId, acq, Buffer.from(`v${i}`), `v${i}.mp4`, h])).rows[0].id);
    }
    const users = {};
    for (const [name, role] of [['ana', 'analyst'], ['rita', 'reviewer']]) {
      const id = (await db.query(`INSERT INTO users (username, display_name, password_hash) VALUES ($1, $1, 'x') RETURNING id`, [name])).rows[0].id;
      await db.query('INSERT INTO memberships (case_id, user_id, role) VALUES ($1, $2, $3)', [caseId, id, role]);
      users[name] = store.pgCaller(db, { id, username: name, isAdmin: false });
    }
    const repos = store.documentationRepos(db, vault.ledger);
    const beating = (await repos.taxonomy.terms('ill-treatment')).find((t) => t.key === 'beating').id;
    const done = { source: { done: true, note: '' }, technical: { done: true, note: '' }, content: { done: true, note: '' } };

    const created = [];
    const createA = await timed(OPS, async (i) => {
      created.push(await core.createAnnotation(repos, users.ana, items[i % items.length], { startSec: i, endSec: i + 5, termIds: [beating], personIds: [], incidentId: null, note: `Охранник бьёт задержанного ${i}` }));
    });
    const editA = await timed(OPS, (i) => core.updateAnnotation(repos, users.ana, created[i].id, { note: `edited ${i}` }, 1));
    const incidents = [];
    const createI = await timed(OPS, async (i) => {
      const inc = await core.createIncident(repos, users.ana, caseId, { title: `Incident ${i}`, facilityId: null, cameraId: null, place: null, occurredFrom: null, occurredTo: null, timeSource: 'manual', victimIds: [], perpetratorIds: [], termIds: [beating], description: 'избиение' });
      await core.addSegment(repos, users.ana, inc.id, { itemId: items[i % items.length], startSec: 0, endSec: 5, annotationId: null });
      await core.submitIncident(repos, users.ana, inc.id);
      incidents.push(inc.id);
    });
    const verify = await timed(OPS, (i) => core.verifyIncident(repos, users.rita, incidents[i], { checklist: done, confidence: 'high' }));

    // The case ledger view over many entries of many cases.
    const t0 = performance.now();
    const start = await vault.ledger.size(db);
    const batch = 20_000;
    for (let from = 0; from < LEDGER; from += batch) {
      const n = Math.min(batch, LEDGER - from);
      await db.query(
        `INSERT INTO ledger_entries (seq, entry, leaf_hash, action)
         SELECT $1::bigint + i, CASE WHEN i % 2 = 0
             THEN json_build_object('action', 'viewed', 'actor', 'user:u' || (i % 30), 'details', json_build_object('case', ($3::bigint[])[1 + i % 10], 'item', i), 'seq', $1::bigint + i, 'subjects', json_build_array(), 'time', '2026-01-01T00:00:00.000Z', 'v', 1)::text
             ELSE json_build_object('action', 'probed', 'actor', 'worker', 'details', json_build_object(), 'seq', $1::bigint + i, 'subjects', json_build_array(encode(sha256(('bench ' || (i % 200))::bytea), 'hex')), 'time', '2026-01-01T00:00:00.000Z', 'v', 1)::text END,
           '\\x00'::bytea, CASE WHEN i % 2 = 0 THEN 'viewed' ELSE 'probed' END
         FROM generate_series($2::bigint, $2::bigint + $4 - 1) AS i`,
        [start, from, caseIds, n],
      );
    }
    await db.query(`UPDATE ledger_head SET size = (SELECT max(seq) + 1 FROM ledger_entries)`);
    for (const t of ['ledger_refs', 'ledger_entries']) await db.query(`${kind === 'postgres' ? 'VACUUM ' : ''}ANALYZE ${t}`);
    const seeded = ms((performance.now() - t0) / 1000);
    const size = await vault.ledger.size(db);
    const first = await timed(20, () => core.caseLedger(repos.ledgerView, users.rita, caseId, { limit: 50 }));
    const deep = await timed(20, () => core.caseLedger(repos.ledgerView, users.rita, caseId, { limit: 50, before: Math.floor(size / 2) }));
    const byActor = await timed(20, () => core.caseLedger(repos.ledgerView, users.rita, caseId, { limit: 50, actor: 'user:rita' }));
    if (process.env.BENCH_EXPLAIN) {
      const plan = await db.query(`EXPLAIN (ANALYZE, COSTS OFF) SELECT seq FROM (
          (SELECT seq FROM ledger_refs WHERE case_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT 50)
          UNION (SELECT r.seq FROM ledger_refs r WHERE r.sha256 IS NOT NULL AND r.seq < $2
            AND EXISTS (SELECT 1 FROM items it WHERE it.sha256 = r.sha256 AND it.case_id = $1) ORDER BY r.seq DESC LIMIT 50)) x
        ORDER BY seq DESC LIMIT 50`, [caseId, Number.MAX_SAFE_INTEGER]);
      console.error(plan.rows.map((r) => Object.values(r)[0]).join('\n'));
    }
    console.log(JSON.stringify({
      db: kind,
      writesMs: { createAnnotation: createA, editAnnotation: editA, createIncidentWithSegmentAndSubmit: createI, verifyIncident: verify },
      ledgerView: { entries: size, seededSeconds: seeded, firstPageMs: first, deepPageMs: deep, actorFilterMs: byActor },
    }));
  } finally {
    await vault.close();
    await cleanup();
  }
}

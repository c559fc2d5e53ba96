#!/usr/bin/env node
// Workspace API latency: the items list with facets, and full-text search, over one case of
// BENCH_ITEMS items (default 100,000) and BENCH_DOCS annotation/OCR search documents (default
// 1,000,000), on PostgreSQL and PGlite side by side; and the time to first byte of a proxy.
// Real HTTP over loopback (fetch) against the real server with a signed-in session.
// Rows are inserted in big batches directly with SQL (the item triggers fill item_index and the
// path search documents as in production).
//
// Env: BENCH_ITEMS, BENCH_DOCS, BENCH_REQUESTS (per query, default 40), BENCH_DB (postgres |
// pglite | both; default both). `--quick`: 100,000 items and 200,000 documents.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

const store = await import('@custodia/store');
const testing = await import('@custodia/store/testing');
const server = await import('@custodia/server');
const serverTesting = await import('@custodia/server/testing');

const quick = process.argv.includes('--quick');
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const DOCS = Number(process.env.BENCH_DOCS ?? (quick ? 200_000 : 1_000_000));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const KINDS = (process.env.BENCH_DB ?? 'both') === 'both' ? ['postgres', 'pglite'] : [process.env.BENCH_DB];

const RU = ['избиение', 'коридор', 'камера', 'дежурный', 'задержанный', 'удары', 'дубинка', 'угрозы', 'унижение', 'врач', 'медицинская', 'помощь', 'растяжка', 'пакет', 'удушение', 'ток', 'допрос', 'конвой', 'прогулка', 'двор'];
const EN = ['beating', 'corridor', 'camera', 'guard', 'detainee', 'blows', 'baton', 'threats', 'humiliation', 'doctor', 'medical', 'care', 'stress', 'position', 'bag', 'suffocation', 'shock', 'interrogation', 'escort', 'yard'];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => Math.round(x * 10) / 10;

async function seed(vault) {
  const db = vault.db;
  const t0 = performance.now();
  const kase = await vault.repo.ensureCase('Bench case', 'bench');
  const acq = await vault.repo.startAcquisition(
    { caseId: kase.id, kind: 'bulk-ingest', resumeKey: 'bench', operator: 'bench', host: 'bench', toolVersion: '0', sourceLabel: 'bench', note: null, roots: ['/dump'], options: {} },
    'bench',
  );
  // The per-row item trigger (item_index + path search document) is replaced by the same work
  // done set-wise, as a bulk import would.
  await db.query('ALTER TABLE items DISABLE TRIGGER items_index');
  const batch = 20_000;
  for (let from = 0; from < ITEMS; from += batch) {
    const n = Math.min(batch, ITEMS - from);
    // Every 50th file is an exact duplicate of the one before it.
    await db.query(
      `WITH g AS (SELECT i, CASE WHEN i % 50 = 0 THEN i - 1 ELSE i END AS b FROM generate_series($1::int, $2::int) AS i),
       b AS (INSERT INTO blobs (sha256, size) SELECT DISTINCT encode(sha256(('blob' || b)::bytea), 'hex'), 1000 + b FROM g ON CONFLICT DO NOTHING)
       INSERT INTO items (case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, size, mtime, sha256, kind, format, status, ledger_seq)
       SELECT $3, $4, convert_to(p, 'UTF8'), p, p, 'utf-8', 1000 + b, '2024-03-15T10:00:00Z', encode(sha256(('blob' || b)::bytea), 'hex'),
              CASE WHEN i % 10 = 0 THEN 'image' WHEN i % 23 = 0 THEN 'document' ELSE 'video' END, 'mp4',
              CASE WHEN i % 97 = 0 THEN 'truncated' ELSE 'ok' END, 0
       FROM (SELECT i, b, '/dump/Камера ' || (i % 40) || '/2024-03-' || lpad(((i % 28) + 1)::text, 2, '0') || '/' || lpad(((i / 60) % 24)::text, 2, '0') || '-' || lpad((i % 60)::text, 2, '0') || '_cam' || (i % 40) || '_' || i || '.mp4' AS p FROM g) x`,
      [from + 1, from + n, kase.id, acq.id],
    );
  }
  await db.query('ALTER TABLE items ENABLE TRIGGER items_index');
  // With the facts the pipeline and the documentation would have added (no update bloat).
  await db.query(
    `INSERT INTO item_index (item_id, case_id, path, kind, status, sha256, size, duration_sec, activity_seconds, camera, overlay_start, tags, review_state)
     SELECT id, case_id, display_path, kind, status, sha256, size, 60 + (id % 600), CASE WHEN id % 3 = 0 THEN (id % 50) ELSE 0 END,
       'КАМЕРА ' || (id % 40), timestamptz '2024-03-01' + (id % 40000) * interval '1 minute',
       CASE WHEN id % 7 = 0 THEN ARRAY[(id % 12) + 1]::bigint[] ELSE '{}' END,
       CASE WHEN id % 11 = 0 THEN 'annotated' WHEN id % 13 = 0 THEN 'verified' ELSE 'none' END
     FROM items WHERE case_id = $1`,
    [kase.id],
  );
  await db.query(
    `INSERT INTO search_docs (case_id, item_id, source, tsv)
     SELECT case_id, id, 'path', custodia_search_vector(custodia_path_text(display_path)) FROM items WHERE case_id = $1`,
    [kase.id],
  );
  await db.query(
    `UPDATE item_index ix SET duplicate_group = ix.sha256 WHERE ix.case_id = $1
     AND EXISTS (SELECT 1 FROM item_index o WHERE o.case_id = ix.case_id AND o.sha256 = ix.sha256 AND o.item_id <> ix.item_id)`,
    [kase.id],
  );
  const tItems = performance.now() - t0;
  const t1 = performance.now();
  const docBatch = 50_000;
  for (let from = 0; from < DOCS; from += docBatch) {
    const n = Math.min(docBatch, DOCS - from);
    await db.query(
      `INSERT INTO search_docs (case_id, item_id, source, ref_id, tsv)
       SELECT $3, (SELECT min(item_id) FROM item_index WHERE case_id = $3) + (i % $4), CASE WHEN i % 2 = 0 THEN 'annotation' ELSE 'ocr' END, i,
         custodia_search_vector(($5::text[])[1 + (i % 20)] || ' ' || ($5::text[])[1 + ((i / 20) % 20)] || ' ' || ($6::text[])[1 + ((i / 7) % 20)] || ' ' || ($6::text[])[1 + ((i / 400) % 20)] || ' КАМЕРА ' || (i % 40) || ' ' || md5(i::text))
       FROM generate_series($1::int, $2::int) AS i`,
      [from + 1, from + n, kase.id, ITEMS, RU, EN],
    );
  }
  // A rare word: in 20 documents only.
  await db.query(
    `INSERT INTO search_docs (case_id, item_id, source, tsv)
     SELECT $1, (SELECT min(item_id) FROM item_index WHERE case_id = $1) + ((i * 997) % $2), 'annotation', custodia_search_vector('электрошокер stun gun')
     FROM generate_series(1, 20) AS i`,
    [kase.id, ITEMS],
  );
  const tDocs = performance.now() - t1;
  for (const t of ['item_index', 'search_docs', 'item_search']) await db.query(`${db.kind === 'postgres' || t === 'item_search' ? 'VACUUM ' : ''}ANALYZE ${t}`);
  // A proxy: 8 MiB of bytes recorded as a derivative of the first item.
  const first = await db.query('SELECT sha256 FROM item_index WHERE case_id = $1 ORDER BY item_id LIMIT 1', [kase.id]);
  const bytes = randomBytes(8 << 20);
  const put = await vault.blobs.put((async function* () { yield bytes; })());
  await db.transaction((tx) =>
    vault.media.recordDerivative(tx, { sha256: put.sha256, sourceSha256: first.rows[0].sha256, kind: 'proxy', tool: 'bench', recipe: {}, size: put.size }, 'bench'),
  );
  return { caseId: kase.id, proxy: put.sha256, seedItemsMs: tItems, seedDocsMs: tDocs };
}

async function timeRequests(client, path, n) {
  const times = [];
  let last;
  for (let i = 0; i < n + 3; i++) {
    const t = performance.now();
    last = await client.json('GET', path);
    if (last.status !== 200) throw new Error(`${path}: ${last.status} ${JSON.stringify(last.body)}`);
    if (i >= 3) times.push(performance.now() - t);
  }
  return { p50: ms(pct(times, 50)), p95: ms(pct(times, 95)), total: last.body.total };
}

async function ttfb(client, url, path, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(url + path, { headers: { cookie: client.cookie, range: 'bytes=0-' } });
    const reader = res.body.getReader();
    await reader.read();
    times.push(performance.now() - t);
    await reader.cancel();
  }
  return { p50: ms(pct(times, 50)), p95: ms(pct(times, 95)) };
}

const results = {};
for (const kind of KINDS) {
  const { config, cleanup } = await testing.testConfig(kind);
  const { vault } = await store.initVault(config, { actor: 'bench' });
  try {
    const s = await seed(vault);
    const deps = await server.composeServer(vault, { argon2: server.TEST_ARGON2, log: server.createLogger('silent') });
    const app = server.createApp(deps);
    const http = await server.listen(app, { host: '127.0.0.1', port: 0 });
    const admin = await server.createUser(
      { db: vault.db, ledger: vault.ledger, accounts: deps.accounts, passwords: deps.passwords, secrets: deps.secrets },
      { username: 'bench', displayName: 'Bench', password: serverTesting.TEST_PASSWORD, isAdmin: false },
      'bench',
    );
    await vault.db.transaction((tx) => deps.accounts.putMember(tx, { caseId: s.caseId, userId: admin.user.id, role: 'analyst', grants: [] }));
    const client = new serverTesting.TestClient(http.url);
    await client.signIn('bench');
    const base = `/api/cases/${s.caseId}/items`;
    const r = {
      seed: { items: ITEMS, docs: DOCS, itemsSeconds: ms(s.seedItemsMs / 1000), docsSeconds: ms(s.seedDocsMs / 1000) },
      floorGetSetup: await timeRequests(client, '/api/setup', REQUESTS),
      listWithFacets: await timeRequests(client, `${base}?limit=100`, REQUESTS),
      listFilteredSorted: await timeRequests(client, `${base}?kind=video&hasActivity=true&sort=-activity&limit=100`, REQUESTS),
      searchRussianCommon: await timeRequests(client, `${base}?q=${encodeURIComponent('избиения')}&limit=100`, REQUESTS),
      searchEnglishCommon: await timeRequests(client, `${base}?q=beatings&limit=100`, REQUESTS),
      searchRare: await timeRequests(client, `${base}?q=${encodeURIComponent('электрошокер')}&limit=100`, REQUESTS),
      searchPlusFilter: await timeRequests(client, `${base}?q=${encodeURIComponent('угрозы')}&kind=video&review=annotated,verified`, REQUESTS),
      proxyTtfb: await ttfb(client, http.url, `/api/blobs/${s.proxy}`, REQUESTS),
    };
    // The same queries called in-process, without HTTP, sessions or JSON: the database's share.
    const sources = { facilities: true };
    for (const [name, q] of [['dbOnlyList', {}], ['dbOnlySearch', { q: 'избиения' }]]) {
      const times = [];
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        await server.queryItems(vault.db, s.caseId, { sort: 'path', limit: 100, ...q }, sources);
        times.push(performance.now() - t);
      }
      r[name] = { p50: ms(pct(times, 50)), p95: ms(pct(times, 95)) };
    }
    // CPU time per query, which the machine's load does not change much (wall times above include
    // waiting for a core): of the PostgreSQL backend (from /proc), or of this process for PGlite.
    const cpuQueries = [
      ['cpuList', {}],
      ['cpuListFilteredSorted', { kind: ['video'], hasActivity: true, sort: '-activity' }],
      ['cpuSearch', { q: 'избиения' }],
      ['cpuSearchRare', { q: 'электрошокер' }],
      ['cpuSearchPlusFilter', { q: 'угрозы', kind: ['video'], review: ['annotated', 'verified'] }],
    ];
    for (const [name, q] of cpuQueries) {
      const n = REQUESTS;
      if (kind === 'postgres') {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: config.databaseUrl });
        await client.connect();
        const pid = (await client.query('SELECT pg_backend_pid() AS p')).rows[0].p;
        const q1 = { query: (sql, params) => client.query(sql, params).then((x) => ({ rows: x.rows, rowCount: x.rowCount })) };
        await server.queryItems(q1, s.caseId, { sort: 'path', limit: 100, ...q }, sources);
        const ticks = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
        const before = ticks();
        for (let i = 0; i < n; i++) await server.queryItems(q1, s.caseId, { sort: 'path', limit: 100, ...q }, sources);
        r[name] = { cpuMs: ms(((ticks() - before) * 10) / n) };
        await client.end();
      } else {
        const before = process.cpuUsage();
        for (let i = 0; i < n; i++) await server.queryItems(vault.db, s.caseId, { sort: 'path', limit: 100, ...q }, sources);
        const d = process.cpuUsage(before);
        r[name] = { cpuMs: ms((d.user + d.system) / 1000 / n) };
      }
    }
    r.loadAverage = loadavg().map((x) => Math.round(x * 10) / 10);
    results[kind] = r;
    console.error(kind, JSON.stringify(r));
    await http.close();
  } finally {
    await vault.close();
    // BENCH_KEEP=1 keeps the seeded database (and prints where) to look at query plans.
    if (process.env.BENCH_KEEP === '1') console.error(kind, 'kept:', config.databaseUrl ?? config.home);
    else await cleanup();
  }
}

const rows = ['floorGetSetup', 'listWithFacets', 'listFilteredSorted', 'searchRussianCommon', 'searchEnglishCommon', 'searchRare', 'searchPlusFilter', 'proxyTtfb', 'dbOnlyList', 'dbOnlySearch'];
console.log(`\nItems ${ITEMS.toLocaleString('en')}, search documents ${DOCS.toLocaleString('en')}, ${REQUESTS} requests each (ms); load average at the end: ${KINDS.map((k) => `${k} ${results[k].loadAverage.join(' ')}`).join(', ')}\n`);
console.log(`| query | ${KINDS.map((k) => `${k} p50 | ${k} p95`).join(' | ')} |`);
console.log(`|---|${KINDS.map(() => '---|---').join('|')}|`);
for (const q of rows) console.log(`| ${q} | ${KINDS.map((k) => `${results[k][q].p50} | ${results[k][q].p95}`).join(' | ')} |`);
console.log(`\nCPU time per items query (ms; PostgreSQL: the backend's, PGlite: this process's)\n`);
console.log(`| query | ${KINDS.join(' | ')} |`);
console.log(`|---|${KINDS.map(() => '---').join('|')}|`);
for (const q of ['cpuList', 'cpuListFilteredSorted', 'cpuSearch', 'cpuSearchRare', 'cpuSearchPlusFilter']) console.log(`| ${q} | ${KINDS.map((k) => results[k][q].cpuMs).join(' | ')} |`);
console.log(JSON.stringify(results));

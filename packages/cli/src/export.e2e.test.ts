import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readZip } from '@custodia/acquire';
import { addSegment, createIncident, removeSegment } from '@custodia/core';
import { startLocalTsa, type LocalTsa } from '@custodia/ledger/testing';
import { documentationRepos, openVault, pgCaller, writeStoredZip, type Config } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { makeVideo } from './testing/evidence-fixture.js';
import { pdfText } from './testing/pdf-text.js';
import { cliEnv, runCli } from './testing/run-cli.js';

const BUILD_VERIFIER = fileURLToPath(new URL('../../../scripts/build-verifier.mjs', import.meta.url));
const CYRILLIC = 'КАМЕРА 3 коридор.mp4';

interface VerifyJson {
  ok: boolean;
  items: { id: number; path: string; ok: boolean; problems: { where: string; what: string }[]; timestampedBy: string | null }[];
  problems: { where: string; what: string }[];
  timestamps: { file: string; imprint: boolean; signature: string }[];
}

/** Runs the package's own verify.js with plain node, from inside the package, as an outsider would. */
function verifyJs(dir: string, args: string[] = []): { code: number | null; out: string; json: VerifyJson | null } {
  const r = spawnSync(process.execPath, ['verify.js', '.', ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
  let json: VerifyJson | null = null;
  if (args.includes('--json')) json = JSON.parse(r.stdout) as VerifyJson;
  return { code: r.status, out: r.stdout + r.stderr, json };
}

/** Runs a copy of the package's verify.js on a zip, from a folder of its own, as an outsider would (no unpacking). */
function verifyZipJs(pkgDir: string, zip: string, args: string[] = []): { code: number | null; out: string; json: VerifyJson | null } {
  const r = spawnSync(process.execPath, [join(pkgDir, 'verify.js'), zip, ...args], { cwd: dirname(zip), encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status, out: r.stdout + r.stderr, json: args.includes('--json') ? (JSON.parse(r.stdout) as VerifyJson) : null };
}

/** Where a stored entry's data starts in a zip written by the export (its local header comes first). */
function dataOffset(zip: Buffer, name: string): number {
  const n = Buffer.from(name, 'utf8');
  const at = zip.indexOf(n);
  assert.ok(at >= 30 && zip.readUInt32LE(at - 30) === 0x04034b50, `the local header of ${name}`);
  return at + n.length + zip.readUInt16LE(at - 2);
}

function flipByte(buf: Buffer, at: number): Buffer {
  const b = Buffer.from(buf);
  b[at] = b[at]! ^ 0x01;
  return b;
}

for (const kind of DB_KINDS) {
  describe(`custodia export on ${kind}`, () => {
    let tsa: LocalTsa;
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let env: NodeJS.ProcessEnv;
    let work: { path: string; remove: () => Promise<void> };
    let pkg: string;
    let items: { id: number; path: string; sha256: string | null }[];

    before(async () => {
      execFileSync(process.execPath, [BUILD_VERIFIER], { stdio: ['ignore', 'ignore', 'pipe'] });
      tsa = await startLocalTsa();
      ({ config: cfg, cleanup } = await testConfig(kind));
      // The package needs derivatives, not triage: proxies, posters, filmstrips and salvaged copies.
      env = cliEnv(cfg, { CUSTODIA_TSA_URLS: tsa.url, CUSTODIA_TSA_CA_FILE: tsa.caFile, CUSTODIA_PIPELINE_STEPS: 'salvage,proxy,thumbnails' });
      work = await tempDir('custodia-export-');
      const ev = join(work.path, 'usb');
      execFileSync('mkdir', ['-p', join(ev, 'cam1'), join(ev, 'cam3')]);
      makeVideo(join(ev, 'cam1', 'export_0314.mp4'), { pattern: 'smptebars' });
      makeVideo(join(ev, 'cam3', CYRILLIC), { pattern: 'testsrc' });
      await writeFile(join(ev, 'журнал.txt'), 'журнал дежурств\n');
      assert.equal((await runCli(['init'], env)).code, 0);
      const ing = await runCli(['ingest', ev, '--case', 'Дело 17', '--wait', '--no-progress'], env);
      assert.equal(ing.code, 0, ing.stdout + ing.stderr);
      items = JSON.parse((await runCli(['report', '--case', 'Дело 17', '--json'], env)).stdout).items;
      pkg = join(work.path, 'package');
      const ex = await runCli(['export', '--case', 'Дело 17', '--with-originals', '--zip', '--out', pkg, '--json'], env);
      assert.equal(ex.code, 0, ex.stdout + ex.stderr);
      const summary = JSON.parse(ex.stdout);
      assert.equal(summary.items, 3);
      assert.ok(summary.derivatives >= 6, `proxies, posters and filmstrips of both videos: ${summary.derivatives}`);
      assert.ok(summary.timestamps >= 1);
    });
    after(async () => {
      await cleanup?.();
      await work?.remove();
      await tsa?.close();
    });

    it('the package verifies with its own verify.js, copied where no node_modules can be reached', async () => {
      const elsewhere = await tempDir('custodia-court-');
      try {
        await cp(pkg, join(elsewhere.path, 'p'), { recursive: true });
        const r = verifyJs(join(elsewhere.path, 'p'));
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /VERDICT: VERIFIED/);
        assert.ok(r.out.includes(CYRILLIC), 'the Cyrillic name is printed as such');
        const j = verifyJs(join(elsewhere.path, 'p'), ['--json']).json!;
        assert.equal(j.ok, true);
        assert.equal(j.items.length, 3);
        assert.ok(j.timestamps.length >= 1);
        for (const t of j.timestamps) assert.deepEqual([t.imprint, t.signature], [true, 'verified'], t.file);
        for (const it of j.items) assert.ok(it.timestampedBy, `item ${it.path} is covered by a timestamped checkpoint`);
      } finally {
        await elsewhere.remove();
      }
    });

    it('verifies without our code: sha256sum -c, openssl ts -verify, openssl pkeyutl as VERIFY.md says', async () => {
      assert.match(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: pkg, encoding: 'utf8' }), /manifest\.json: OK/);
      const manifest = JSON.parse(await readFile(join(pkg, 'manifest.json'), 'utf8'));
      const final = manifest.ledger.timestamps.find((t: { checkpoint: string }) => t.checkpoint === 'ledger/checkpoint.txt');
      assert.ok(final, 'the checkpoint signed at export time is timestamped');
      const ts = spawnSync('openssl', ['ts', '-verify', '-data', 'ledger/checkpoint.txt', '-in', final.file, '-CAfile', 'timestamps/tsa-ca.pem'], {
        cwd: pkg, encoding: 'utf8',
      });
      assert.match(ts.stdout + ts.stderr, /Verification: OK/);
      // The Ed25519 commands of VERIFY.md, run exactly as written there.
      const guide = await readFile(join(pkg, 'VERIFY.md'), 'utf8');
      const block = /### 2\.2[\s\S]*?```sh\n([\s\S]*?)```/.exec(guide)![1]!;
      const scratch = await copyOf(pkg);
      try {
        const sig = spawnSync('bash', ['-euc', block], { cwd: scratch.path, encoding: 'utf8' });
        assert.match(sig.stdout + sig.stderr, /Signature Verified Successfully/);
      } finally {
        await scratch.remove();
      }
      // The leaf hash recipe of VERIFY.md gives the leaf hash of line 1.
      const leafCmd = /`(sed -n 1p ledger\/entries\.jsonl[^`]*)`/.exec(guide)![1]!;
      const leaf = execFileSync('bash', ['-c', leafCmd], { cwd: pkg, encoding: 'utf8' }).split(' ')[0];
      const proof1 = JSON.parse((await readFile(join(pkg, 'ledger/proofs.jsonl'), 'utf8')).split('\n')[0]!);
      assert.equal(leaf, proof1.leafHashHex);
    });

    it('the zip holds the same files, byte for byte (CRC-checked by our zip reader)', async () => {
      const names: string[] = [];
      for await (const m of readZip(`${pkg}.zip`)) {
        assert.equal(m.type, 'member', JSON.stringify(m));
        if (m.type !== 'member') continue;
        assert.equal(m.compression, 'stored');
        const chunks: Buffer[] = [];
        for await (const c of await m.open()) chunks.push(c);
        assert.ok(Buffer.concat(chunks).equals(await readFile(join(pkg, m.name.slice('package/'.length)))), m.name);
        names.push(m.name);
      }
      assert.deepEqual(names.sort(), (await listAll(pkg)).map((f) => `package/${f}`).sort());
    });

    it('verify.js checks the zip in place, and a zip with every field in zip64 records', async () => {
      const r = verifyZipJs(pkg, `${pkg}.zip`);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /\(zip, read in place\)/);
      assert.match(r.out, /VERDICT: VERIFIED/);
      // The commands of VERIFY.md for a zip, run as written there (beside the zip, nothing unpacked).
      const guide = await readFile(join(pkg, 'VERIFY.md'), 'utf8');
      const block = /verified as it is, without unpacking it:\n\n```sh\n([\s\S]*?)```/.exec(guide)![1]!.replaceAll('<package>', 'package');
      const asWritten = await tempDir('custodia-zip-guide-');
      try {
        await cp(`${pkg}.zip`, join(asWritten.path, 'package.zip'));
        const g = spawnSync('bash', ['-euc', block], { cwd: asWritten.path, encoding: 'utf8', env: { PATH: process.env.PATH } });
        assert.equal(g.status, 0, g.stdout + g.stderr);
        assert.match(g.stdout, /VERDICT: VERIFIED/);
      } finally {
        await asWritten.remove();
      }
      const z64 = join(work.path, 'forced-zip64.zip');
      await writeStoredZip(pkg, z64, 'package', undefined, { bytes: 0, entries: 0 });
      const j = verifyZipJs(pkg, z64, ['--json']);
      assert.equal(j.code, 0, JSON.stringify(j.json?.problems));
      assert.deepEqual(j.json!.items.map((i) => i.ok), [true, true, true]);
      // The zip64 end record's directory offset, one bit off: the zip's structure is named as broken, and where.
      const bytes = await readFile(z64);
      const rec = bytes.length - 22 - 20 - 56;
      const bad = join(work.path, 'forced-zip64-bad.zip');
      await writeFile(bad, flipByte(bytes, rec + 48));
      const b = verifyZipJs(pkg, bad, ['--json']);
      assert.equal(b.code, 1);
      assert.ok(b.json!.problems.some((p) => /^forced-zip64-bad\.zip byte \d+ \(central directory\)$/.test(p.where)), JSON.stringify(b.json!.problems));
      assert.match(verifyZipJs(pkg, bad).out, /VERDICT: FAILED/);
      // An original's data, one bit off in the zip64 zip: the original and its item are named.
      const cyrSha = items.find((i) => i.path.endsWith(CYRILLIC))!.sha256!;
      await writeFile(bad, flipByte(bytes, dataOffset(bytes, `package/files/originals/${cyrSha}`) + 100));
      const o = verifyZipJs(pkg, bad, ['--json']);
      assert.equal(o.code, 1);
      assert.ok(o.json!.problems.some((p) => p.where === `files/originals/${cyrSha}`), JSON.stringify(o.json!.problems));
      assert.equal(o.json!.items.find((i) => i.path.endsWith(CYRILLIC))!.ok, false);
    });

    it('exports an incident: only the items its current segments cite, the incident in manifest.json and report.pdf; it verifies', async () => {
      const cyrItem = items.find((i) => i.path.endsWith(CYRILLIC))!;
      const bars = items.find((i) => i.path.endsWith('export_0314.mp4'))!;
      const title = 'Избиение в коридоре, камера 3';
      // Incident A cites the Cyrillic recording twice; a segment on the other recording was added
      // and then removed. Incident B cites the other recording. A's package holds only the first.
      const vault = await openVault(cfg);
      let incidentId: number;
      try {
        const kase = (await vault.repo.findCase('Дело 17'))!;
        const uid = Number((await vault.db.query<{ id: number }>(`INSERT INTO users (username, display_name, password_hash) VALUES ('analyst-e', 'analyst-e', 'x') RETURNING id`)).rows[0]!.id);
        await vault.db.query(`INSERT INTO memberships (case_id, user_id, role, grants) VALUES ($1, $2, 'analyst', '{}'::text[])`, [kase.id, uid]);
        const as = pgCaller(vault.db, { id: uid, username: 'analyst-e', isAdmin: false });
        const repos = documentationRepos(vault.db, vault.ledger);
        const content = {
          facilityId: null, cameraId: null, place: 'коридор 2', occurredFrom: '2021-03-04T02:10:00Z', occurredTo: '2021-03-04T02:14:00Z',
          timeSource: 'overlay' as const, victimIds: [], perpetratorIds: [], termIds: [], description: '',
        };
        const a = await createIncident(repos, as, kase.id, { ...content, title });
        incidentId = a.id;
        await addSegment(repos, as, a.id, { itemId: cyrItem.id, startSec: 0, endSec: 1, annotationId: null });
        const dropped = await addSegment(repos, as, a.id, { itemId: bars.id, startSec: 0, endSec: 2, annotationId: null });
        await addSegment(repos, as, a.id, { itemId: cyrItem.id, startSec: 1.5, endSec: 2, annotationId: null });
        await removeSegment(repos, as, a.id, dropped.id);
        const b = await createIncident(repos, as, kase.id, { ...content, title: 'Другой инцидент' });
        await addSegment(repos, as, b.id, { itemId: bars.id, startSec: 0, endSec: 1, annotationId: null });
      } finally {
        await vault.close();
      }

      const out = join(work.path, 'incident');
      const r = await runCli(['export', '--incident', String(incidentId), '--with-originals', '--out', out, '--json'], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout).items, 1);
      const m = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as ManifestLike & { scope: unknown; incident: Record<string, unknown> & { segments: { item: number; startSec: number; endSec: number; ledgerSeq: number }[] } };
      assert.deepEqual(m.scope, { kind: 'incident', value: String(incidentId) });
      assert.deepEqual(m.items.map((i) => i.id), [cyrItem.id], 'only the items of its current segments');
      assert.deepEqual(await readdir(join(out, 'files', 'originals')), [cyrItem.sha256]);
      assert.ok(!JSON.stringify(m.derivatives).includes(bars.sha256!), 'no derivative of the other recording');
      assert.equal(m.incident.id, incidentId);
      assert.equal(m.incident.title, title);
      assert.equal(m.incident.place, 'коридор 2');
      assert.equal(m.incident.occurredFrom, '2021-03-04T02:10:00.000Z');
      assert.deepEqual(m.incident.segments.map((s) => [s.item, s.startSec, s.endSec]), [[cyrItem.id, 0, 1], [cyrItem.id, 1.5, 2]]);
      // Each segment's ledger entry is in the package (with its proof) and says what the manifest says.
      const lines = (await readFile(join(out, 'ledger/entries.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
      for (const s of m.incident.segments) {
        const e = lines.find((l) => l.seq === s.ledgerSeq);
        assert.ok(e, `entry #${s.ledgerSeq} is in the package`);
        assert.equal(e.action, 'incident-evidence-added');
        assert.deepEqual([e.details.incident, e.details.item, e.details.startSec, e.details.endSec], [incidentId, s.item, s.startSec, s.endSec]);
      }

      const report = pdfText(await readFile(join(out, 'report.pdf')));
      assert.ok(report.includes(`Incident #${incidentId}: ${title}`), report.slice(0, 2000));
      assert.match(report, new RegExp(`item #${cyrItem.id} .*${CYRILLIC}, 1\\.5–2 s`));
      assert.ok(!report.includes('export_0314.mp4'), 'the other recording is not in the report');

      const v = verifyJs(out, ['--json']);
      assert.equal(v.code, 0, JSON.stringify(v.json?.problems));
      assert.deepEqual(v.json!.items.map((i) => [i.id, i.ok]), [[cyrItem.id, true]]);
      assert.match(verifyJs(out).out, new RegExp(`Incident #${incidentId}: ${title} — 2 evidence segment\\(s\\)`));
      assert.match(await readFile(join(out, 'VERIFY.md'), 'utf8'), new RegExp(`exported for incident #${incidentId}`));
      assert.match(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' }), /manifest\.json: OK/);
      const final = (m.ledger.timestamps as { file: string; checkpoint: string }[]).find((t) => t.checkpoint === 'ledger/checkpoint.txt');
      assert.ok(final, 'the checkpoint signed at export time is timestamped');
      const ts = spawnSync('openssl', ['ts', '-verify', '-data', 'ledger/checkpoint.txt', '-in', final.file, '-CAfile', 'timestamps/tsa-ca.pem'], { cwd: out, encoding: 'utf8' });
      assert.match(ts.stdout + ts.stderr, /Verification: OK/);

      // A segment time changed in the manifest (and SHA256SUMS redone to match) no longer agrees with the ledger.
      const copy = await copyOf(out);
      try {
        const text = (await readFile(join(copy.path, 'manifest.json'), 'utf8')).replace('"startSec": 1.5', '"startSec": 1.25');
        await writeFile(join(copy.path, 'manifest.json'), text);
        const sums = (await readFile(join(copy.path, 'SHA256SUMS'), 'utf8')).replace(/^[0-9a-f]{64}(?=  manifest\.json$)/m, createHash('sha256').update(text).digest('hex'));
        await writeFile(join(copy.path, 'SHA256SUMS'), sums);
        const bad = verifyJs(copy.path, ['--json']);
        assert.equal(bad.code, 1);
        assert.ok(
          bad.json!.problems.some((p) => /^ledger\/entries\.jsonl line \d+ \(entry #\d+\)/.test(p.where) && /startSec 1\.5, manifest\.json says 1\.25/.test(p.what)),
          JSON.stringify(bad.json!.problems),
        );
        assert.equal(bad.json!.items[0]!.ok, false);
      } finally {
        await copy.remove();
      }
    });

    if (kind !== 'pglite') return;

    const cyr = () => items.find((i) => i.path.endsWith(CYRILLIC))!;
    const tamper: [string, (dir: string, m: ManifestLike) => Promise<string>, RegExp][] = [
      ['an original', async (dir) => flipFile(dir, `files/originals/${cyr().sha256}`, 1000), /^files\/originals\//],
      ['a derivative', async (dir, m) => flipFile(dir, m.derivatives.find((d) => d.sourceSha256 === cyr().sha256 && d.kind === 'proxy')!.file, 2000), /^files\/derivatives\//],
      ['manifest.json (a size)', async (dir) => {
        const text = await readFile(join(dir, 'manifest.json'), 'utf8');
        const at = text.indexOf(`"size": `, text.indexOf(CYRILLIC)) + 9;
        await writeFile(join(dir, 'manifest.json'), flipByte(Buffer.from(text, 'utf8'), Buffer.byteLength(text.slice(0, at))));
        return 'manifest.json';
      }, /^(manifest\.json|ledger\/entries\.jsonl line)/],
      ['an entry line', async (dir, m) => {
        const seq = m.items.find((i) => i.path.endsWith(CYRILLIC))!.ledgerSeq;
        const lines = (await readFile(join(dir, 'ledger/entries.jsonl'), 'utf8')).split('\n');
        const n = lines.findIndex((l) => l.includes(`"seq":${seq},`));
        const bytes = await readFile(join(dir, 'ledger/entries.jsonl'));
        const offset = Buffer.byteLength(lines.slice(0, n).join('\n')) + 1 + Buffer.byteLength(lines[n]!.slice(0, lines[n]!.indexOf('КАМЕРА')));
        await writeFile(join(dir, 'ledger/entries.jsonl'), flipByte(bytes, offset + 1));
        return 'ledger/entries.jsonl';
      }, /^ledger\/entries\.jsonl line \d+ \(entry #\d+\)/],
      ['the checkpoint', async (dir) => flipFile(dir, 'ledger/checkpoint.txt', (await readFile(join(dir, 'ledger/checkpoint.txt'), 'utf8')).indexOf('\n', 0) + 1), /^ledger\/checkpoint\.txt/],
      ['a timestamp token', async (dir, m) => {
        const file = m.ledger.timestamps[m.ledger.timestamps.length - 1]!.file;
        const size = (await readFile(join(dir, file))).length;
        return flipFile(dir, file, size - 20);
      }, /^timestamps\//],
    ];
    for (const [what, breakIt, where] of tamper) {
      it(`one flipped byte in ${what} fails the verifier, which names it`, async () => {
        const copy = await copyOf(pkg);
        try {
          const m = JSON.parse(await readFile(join(copy.path, 'manifest.json'), 'utf8')) as ManifestLike;
          const file = await breakIt(copy.path, m);
          const r = verifyJs(copy.path, ['--json']);
          assert.equal(r.code, 1, JSON.stringify(r.json?.problems));
          const j = r.json!;
          assert.equal(j.ok, false);
          assert.ok(j.problems.some((p) => where.test(p.where)), `a problem where ${where}: ${JSON.stringify(j.problems)}`);
          assert.ok(j.problems.some((p) => p.where.startsWith(file)), `${file} is named: ${JSON.stringify(j.problems)}`);
          if (what !== 'a timestamp token') {
            const item = j.items.find((i) => i.path.endsWith(CYRILLIC))!;
            assert.equal(item.ok, false, `the item ${CYRILLIC} is FAILED`);
          }
          const human = verifyJs(copy.path);
          assert.match(human.out, /VERDICT: FAILED/);
          if (what !== 'a timestamp token') assert.match(human.out, new RegExp(`FAILED  #\\d+  .*${CYRILLIC}`));
          const sums = spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: copy.path, encoding: 'utf8' });
          assert.notEqual(sums.status, 0, 'sha256sum -c notices it too');

          // The same flipped byte in the zip, verified in place.
          const before = await readFile(join(pkg, file));
          const after = await readFile(join(copy.path, file));
          const at = before.findIndex((x, i) => x !== after[i]);
          const zip = await readFile(`${pkg}.zip`);
          const broken = join(copy.path, '..', `${basename(copy.path)}.zip`);
          await writeFile(broken, flipByte(zip, dataOffset(zip, `package/${file}`) + at));
          const z = verifyZipJs(pkg, broken, ['--json']);
          assert.equal(z.code, 1, z.out);
          assert.ok(z.json!.problems.some((p) => where.test(p.where)), `in the zip, a problem where ${where}: ${JSON.stringify(z.json!.problems)}`);
          assert.ok(z.json!.problems.some((p) => p.where.startsWith(file)), `in the zip, ${file} is named: ${JSON.stringify(z.json!.problems)}`);
          if (what !== 'a timestamp token') assert.equal(z.json!.items.find((i) => i.path.endsWith(CYRILLIC))!.ok, false);
          await rm(broken, { force: true });
        } finally {
          await copy.remove();
        }
      });
    }

    it('exports chosen items without originals; the package verifies', async () => {
      const out = join(work.path, 'one-item');
      const r = await runCli(['export', '--items', String(cyr().id), '--out', out], env);
      assert.equal(r.code, 0, r.stderr);
      const m = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as ManifestLike;
      assert.deepEqual(m.items.map((i) => i.id), [cyr().id]);
      assert.equal(m.items[0]!.file, null);
      assert.ok(!(await readdir(join(out, 'files'))).includes('originals'));
      const v = verifyJs(out);
      assert.equal(v.code, 0, v.out);
    });

    it('a blob changed on disk stops the export with exit 1, naming the item, and leaves no package behind', async () => {
      const victim = cyr();
      const vault = await openVault(cfg);
      const blob = vault.blobs.localPath(victim.sha256!);
      await vault.close();
      const good = await readFile(blob);
      await chmod(blob, 0o644);
      await writeFile(blob, flipByte(good, Math.floor(good.length / 2))); // same size, one bit differs
      const out = join(work.path, 'tampered');
      try {
        const r = await runCli(['export', '--items', String(victim.id), '--with-originals', '--zip', '--out', out], env);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.ok(r.stderr.includes(`item ${victim.id} (`) && r.stderr.includes(CYRILLIC), r.stderr);
        assert.match(r.stderr, new RegExp(`the stored blob ${victim.sha256} no longer has that SHA-256 \\(it is [0-9a-f]{64}\\).*nothing was exported`));
      } finally {
        await writeFile(blob, good);
        await chmod(blob, 0o444);
      }
      assert.deepEqual([existsSync(out), existsSync(`${out}.zip`)], [false, false], 'no folder, no zip');
      // The ledger does not claim an export that never happened: the failure follows it, with the reason.
      const v = await openVault(cfg);
      try {
        const rows = (await v.db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE action IN ('court-exported', 'court-export-failed') ORDER BY seq DESC LIMIT 2")).rows;
        const [failed, exported] = rows.map((r) => JSON.parse(r.entry) as { seq: number; action: string; subjects: string[]; details: { export?: number; reason?: string; package?: string } });
        assert.equal(exported!.action, 'court-exported');
        assert.equal(failed!.action, 'court-export-failed');
        assert.equal(failed!.details.export, exported!.seq);
        assert.equal(failed!.details.package, 'tampered');
        assert.deepEqual(failed!.subjects, [victim.sha256]);
        assert.match(failed!.details.reason!, /no longer has that SHA-256/);
      } finally {
        await v.close();
      }
      assert.deepEqual((await readdir(work.path)).filter((n) => n.startsWith('tampered')), [], 'no temporary folder or zip left');
      // The blob restored, the same export succeeds.
      const again = await runCli(['export', '--items', String(victim.id), '--with-originals', '--out', out], env);
      assert.equal(again.code, 0, again.stderr);
    });

    it('refuses bad requests with exit 2 and a clear message', async () => {
      const none = await runCli(['export', '--out', join(work.path, 'x')], env);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /exactly one of --case, --items or --incident/);
      const unknown = await runCli(['export', '--case', 'nope', '--out', join(work.path, 'x')], env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no case named "nope"/);
      const missing = await runCli(['export', '--items', '999999', '--out', join(work.path, 'x')], env);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no item with id 999999/);
      const incident = await runCli(['export', '--incident', '999999', '--out', join(work.path, 'x')], env);
      assert.equal(incident.code, 2);
      assert.match(incident.stderr, /no incident with id 999999/);
      const exists = await runCli(['export', '--case', 'Дело 17', '--out', pkg], env);
      assert.equal(exists.code, 2);
      assert.match(exists.stderr, /already exists/);
    });
  });
}

interface ManifestLike {
  items: { id: number; path: string; ledgerSeq: number; file: string | null }[];
  derivatives: { sourceSha256: string; kind: string; file: string }[];
  ledger: { timestamps: { file: string; checkpoint?: string }[] };
}

async function copyOf(dir: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const t = await tempDir('custodia-tamper-');
  await cp(dir, t.path, { recursive: true });
  return t;
}

async function flipFile(dir: string, rel: string, at: number): Promise<string> {
  const path = join(dir, rel);
  await writeFile(path, flipByte(await readFile(path), at));
  return rel;
}

async function listAll(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await listAll(dir, rel)));
    else out.push(rel);
  }
  return out;
}

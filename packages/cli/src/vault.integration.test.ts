import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ingest, isDomainError, type IngestRequest } from '@custodia/core';
import {
  caseReport,
  checkFixity,
  initVault,
  openVault,
  verifyFile,
  verifyLedger,
  type Config,
  type Vault,
} from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { fsEvidenceReader } from './evidence-reader.js';
import { makeEvidenceFolder, makeVideo, type EvidenceFixture } from './testing/evidence-fixture.js';

for (const kind of DB_KINDS) {
  describe(`evidence vault on ${kind}`, () => {
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let fixture: EvidenceFixture;
    let removeEvidence: () => Promise<void>;
    let vault: Vault;

    const request = (over: Partial<IngestRequest> = {}): IngestRequest => ({
      caseName: 'Saratov hospital',
      roots: [fixture.root],
      sourceLabel: 'USB stick',
      operator: 'analyst-1',
      host: 'vault-test',
      toolVersion: 'test',
      ...over,
    });
    const deps = () => ({ repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader });

    before(async () => {
      ({ config: cfg, cleanup } = await testConfig(kind));
      const ev = await tempDir('custodia-evidence-');
      removeEvidence = ev.remove;
      fixture = await makeEvidenceFolder(ev.path);
    });
    after(async () => {
      await vault?.close();
      await cleanup();
      await removeEvidence();
    });

    it('says clearly that init is needed before anything else', async () => {
      await assert.rejects(openVault(cfg), (e: unknown) => isDomainError(e) && e.code === 'NotInitialised' && /custodia init/.test(e.message));
    });

    it('init creates a private key (0600), a verifier key and the first checkpoint; again changes nothing', async () => {
      const first = await initVault(cfg, { actor: 'admin' });
      assert.equal(first.created, true);
      const keyMode = (await import('node:fs')).statSync(join(cfg.home, 'keys', 'instance.key')).mode & 0o777;
      assert.equal(keyMode, 0o600);
      const vkey = (await readFile(join(cfg.home, 'keys', 'instance.vkey'), 'utf8')).trim();
      assert.equal(vkey, first.vault.instance.verifierKey);
      const cp = await first.vault.ledger.latestCheckpoint(first.vault.db);
      assert.equal(cp?.treeSize, 1);
      await first.vault.close();
      const second = await initVault(cfg, { actor: 'admin' });
      assert.equal(second.created, false);
      assert.equal(second.vault.instance.verifierKey, vkey);
      await second.vault.close();
      vault = await openVault(cfg);
    });

    it('ingests a mixed USB dump truthfully: every item, every problem with its reason', async () => {
      const r = await ingest(request(), deps());
      assert.equal(r.resumed, false);
      const report = await caseReport(vault, 'Saratov hospital');
      const byRel = new Map(report.items.map((it) => [it.path.slice(fixture.root.length + 1), it]));
      for (const [rel, want] of Object.entries(fixture.expected)) {
        const got = byRel.get(rel);
        assert.ok(got, `item ${rel} missing from the report (have: ${[...byRel.keys()].join(', ')})`);
        assert.equal(got.status, want.status, `${rel}: status ${got.status} (${got.reason})`);
        if (want.kind) assert.equal(got.kind, want.kind, `${rel}: kind`);
        if (want.status !== 'ok') assert.ok(got.reason && got.reason.length > 5, `${rel} needs a reason`);
      }
      assert.equal(report.items.length, Object.keys(fixture.expected).length);
      // Exact duplicates share one blob and know of each other.
      const orig = byRel.get('cam1/2021-06-01_08-00.mp4')!;
      const copy = byRel.get('cam1/2021-06-01_08-00 (copy).mp4')!;
      assert.equal(orig.sha256, copy.sha256);
      assert.deepEqual(orig.sameContentAs.map((o) => o.id), [copy.id]);
      const member = byRel.get('archive.zip!/КАМЕРА 1/запись.mp4')!;
      assert.equal(member.sha256, byRel.get('cam2/export_0314.mp4')!.sha256);
      assert.equal(member.parent?.id, byRel.get('archive.zip')!.id);
      assert.equal(member.pathEncoding, 'cp866');
      assert.ok(member.rawPathHex, 'the raw cp866 bytes are kept');
      // The truncated file is still preserved: its bytes are evidence.
      assert.ok(byRel.get('cam2/cut_off.mp4')!.sha256);
      assert.match(byRel.get('cam2/cut_off.mp4')!.reason!, /moov|mdat|truncated/);
      assert.equal(r.acquisition.status, 'complete-with-problems');
      assert.equal(r.problems.length, 8);
      // A member with a hostile name is flagged, and its bytes are still preserved.
      assert.ok(byRel.get('bad.zip!/../escape.txt')!.sha256);
      // The manifest is itself a stored blob whose hash is in the ledger.
      const manifest = JSON.parse(await readFile(vault.blobs.localPath(r.manifestSha256), 'utf8'));
      assert.equal(manifest.items.length, report.items.length);
      await vault.checkpoint();
    });

    it('refuses to record the same ingest twice by accident; --again records a new acquisition with no new blobs', async () => {
      await assert.rejects(ingest(request(), deps()), (e: unknown) => isDomainError(e) && e.code === 'Conflict' && /--again/.test(e.message));
      const blobsBefore = await countBlobs(vault);
      const again = await ingest(request({ again: true }), deps());
      assert.notEqual(again.acquisition.id, 1);
      assert.equal(again.summary.newBlobs, 0);
      assert.equal(await countBlobs(vault), blobsBefore + 1 /* its own manifest */);
      await vault.checkpoint();
    });

    it('resumes an interrupted ingest without duplicating anything', async () => {
      const ev = await tempDir('custodia-resume-');
      try {
        for (let i = 0; i < 6; i++) await writeFile(join(ev.path, `clip-${i}.bin`), Buffer.alloc(200_000 + i, i + 1));
        const abort = new AbortController();
        let done = 0;
        await assert.rejects(
          ingest(request({ caseName: 'resume', roots: [ev.path], signal: abort.signal }), {
            ...deps(),
            progress: { planned() {}, fileStarted() {}, bytes() {}, fileDone: () => (++done === 3 ? abort.abort() : undefined) },
          }),
          (e: unknown) => isDomainError(e) && e.code === 'Interrupted',
        );
        const resumed = await ingest(request({ caseName: 'resume', roots: [ev.path] }), deps());
        assert.equal(resumed.resumed, true);
        const report = await caseReport(vault, 'resume');
        assert.equal(report.items.length, 6);
        assert.equal(new Set(report.items.map((it) => it.path)).size, 6);
        assert.equal(report.acquisitions.length, 1);
        assert.equal(report.acquisitions[0]!.status, 'complete');
      } finally {
        await ev.remove();
      }
      await vault.checkpoint();
    });

    it('verify <file>: held, since when, from which acquisition, with a verified inclusion proof', async () => {
      const r = await verifyFile(vault, join(fixture.root, 'cam2', 'export_0314.mp4'));
      assert.equal(r.held, true);
      assert.ok(r.checkpoint?.signatureValid);
      // The same bytes arrived as a file and as a zip member, in two acquisitions.
      assert.ok(r.occurrences.length >= 2);
      for (const o of r.occurrences) assert.equal(o.inclusion?.verified, true, `item ${o.item}`);
      const other = join(fixture.root, '..', `never-ingested-${kind}.mp4`);
      makeVideo(other, { pattern: 'testsrc2' });
      const no = await verifyFile(vault, other);
      assert.equal(no.held, false);
    });

    it('ledger verify: intact after all of the above', async () => {
      const r = await verifyLedger(vault);
      assert.deepEqual(r.problems, []);
      assert.equal(r.ok, true);
      assert.equal(r.uncovered, 0);
      assert.ok(r.checkpoints >= 4);
    });

    it('fixity: a single flipped byte in a stored original is caught and named', async () => {
      const clean = await checkFixity(vault, { actor: 'auditor' });
      assert.equal(clean.ok, true);
      const report = await caseReport(vault, 'Saratov hospital');
      const target = report.items.find((it) => it.path.endsWith('export_0314.mp4'))!;
      const path = vault.blobs.localPath(target.sha256!);
      const bytes = await readFile(path);
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(bytes.length / 2)]! ^= 0x01;
      await chmod(path, 0o644);
      await writeFile(path, flipped);
      try {
        const r = await checkFixity(vault, { actor: 'auditor' });
        assert.equal(r.ok, false);
        assert.equal(r.failures.length, 1);
        assert.equal(r.failures[0]!.sha256, target.sha256);
        assert.equal(r.failures[0]!.problem, 'altered');
        assert.ok(r.failures[0]!.items.some((it) => it.id === target.id));
      } finally {
        await writeFile(path, bytes);
        await chmod(path, 0o444);
      }
    });

    it('ledger verify: a flipped byte in one entry is caught, and the entry named', async () => {
      const seq = 5;
      const original = (await vault.ledger.entry(vault.db, seq))!.entry.toString('utf8');
      assert.match(original, /"size":\d/, 'entry 5 records an item');
      // One byte: the first digit of the recorded size.
      const tampered = original.replace(/"size":(\d)/, (_m, d: string) => `"size":${d === '1' ? '2' : '1'}`);
      await tamper(vault, 'ledger_entries', 'UPDATE ledger_entries SET entry = $1 WHERE seq = $2', [tampered, seq]);
      try {
        const r = await verifyLedger(vault);
        assert.equal(r.ok, false);
        assert.ok(r.problems.some((p) => p.where === `ledger entry #${seq}`), JSON.stringify(r.problems));
        assert.ok(r.problems.some((p) => p.where.startsWith('checkpoint') && /root does not match/.test(p.problem)));
      } finally {
        await tamper(vault, 'ledger_entries', 'UPDATE ledger_entries SET entry = $1 WHERE seq = $2', [original, seq]);
      }
      assert.equal((await verifyLedger(vault)).ok, true);
    });

    it("ledger verify: a changed blob reference in the items table is caught, naming the item", async () => {
      const report = await caseReport(vault, 'Saratov hospital');
      const target = report.items.find((it) => it.path.endsWith('export_0314.mp4'))!;
      const other = report.items.find((it) => it.sha256 && it.sha256 !== target.sha256)!;
      await tamper(vault, 'items', 'UPDATE items SET sha256 = $1 WHERE id = $2', [other.sha256, target.id]);
      try {
        const r = await verifyLedger(vault);
        assert.equal(r.ok, false);
        const p = r.problems.find((x) => x.where.startsWith(`item ${target.id} `));
        assert.ok(p, JSON.stringify(r.problems));
        assert.match(p.problem, /SHA-256/);
      } finally {
        await tamper(vault, 'items', 'UPDATE items SET sha256 = $1 WHERE id = $2', [target.sha256, target.id]);
      }
      await tamper(vault, 'items', 'UPDATE items SET size = size + 1 WHERE id = $1', [target.id]);
      try {
        const r = await verifyLedger(vault);
        assert.ok(r.problems.some((x) => x.where.startsWith(`item ${target.id} `) && /size/.test(x.problem)), JSON.stringify(r.problems));
      } finally {
        await tamper(vault, 'items', 'UPDATE items SET size = size - 1 WHERE id = $1', [target.id]);
      }
    });

    it('the database itself refuses to change evidence records', async () => {
      await assert.rejects(vault.db.query('UPDATE items SET status = $1', ['ok']), /append-only/);
      await assert.rejects(vault.db.query('DELETE FROM ledger_entries WHERE seq = 0'), /append-only/);
    });
  });
}

async function countBlobs(vault: Vault): Promise<number> {
  let n = 0;
  for await (const _ of vault.blobs.list()) n++;
  return n;
}

/** What an attacker with database access would have to do: switch the append-only guard off. */
async function tamper(vault: Vault, table: string, sql: string, params: unknown[]): Promise<void> {
  await vault.db.transaction(async (tx) => {
    await tx.exec(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
    await tx.query(sql, params);
    await tx.exec(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
  });
}

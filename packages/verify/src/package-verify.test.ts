import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateInstanceKey } from '@custodia/ledger';
import { PACKAGE_FORMAT, parseManifest, type PackageManifest } from './package-format.js';
import { ORIGIN, sha, writePackage } from './testing/package-fixture.js';
import { parseSums } from './package-files.js';
import { verifyPackage } from './package-verify.js';

/** Rewrites manifest.json with `change` applied, and SHA256SUMS to match (a careful forger). */
async function forgeManifest(dir: string, change: (m: PackageManifest) => void): Promise<void> {
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as PackageManifest;
  change(m);
  const text = JSON.stringify(m, null, 2);
  await writeFile(join(dir, 'manifest.json'), text);
  const sums = (await readFile(join(dir, 'SHA256SUMS'), 'utf8')).replace(/^[0-9a-f]{64}  manifest\.json$/m, `${sha(text)}  manifest.json`);
  await writeFile(join(dir, 'SHA256SUMS'), sums);
}

describe('verifyPackage on a hand-made package', () => {
  let root: string;
  let n = 0;
  const fresh = async () => {
    const dir = join(root, String(n++));
    return { dir, ...(await writePackage(dir)) };
  };
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'custodia-verify-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('verifies a sound package, item by item', async () => {
    const { dir, key } = await fresh();
    const r = await verifyPackage(dir, { verifierKey: key.verifierKey });
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.deepEqual(r.items.map((i) => [i.id, i.ok]), [[7, true]]);
    assert.deepEqual(r.ledger, { entries: 3, included: 3, earlierCheckpoints: 1, consistent: 1, leafProofs: [] });
  });

  it('a forged manifest (SHA256SUMS updated too) is caught against the ledger', async () => {
    const { dir } = await fresh();
    await forgeManifest(dir, (m) => {
      m.items[0]!.mtime = '2025-12-31T00:00:00.000Z';
    });
    const r = await verifyPackage(dir);
    assert.equal(r.ok, false);
    assert.match(r.items[0]!.problems.map((p) => p.what).join('\n'), /the ledger says mtime "2026-01-01T00:00:00.000Z", manifest.json says "2025-12-31/);
  });

  it('a changed consistency proof names the earlier checkpoint', async () => {
    const { dir } = await fresh();
    await forgeManifest(dir, (m) => {
      m.ledger.earlierCheckpoints[0]!.consistencyProof[0] = '00'.repeat(32);
    });
    const r = await verifyPackage(dir);
    assert.ok(r.problems.some((p) => p.where === 'ledger/checkpoints/00000002.txt' && /consistency proof/.test(p.what)), JSON.stringify(r.problems));
  });

  it('another key than the one given with --key fails the checkpoint and every item', async () => {
    const { dir } = await fresh();
    const other = generateInstanceKey(ORIGIN).verifierKey;
    const r = await verifyPackage(dir, { verifierKey: other });
    assert.equal(r.checkpoint?.signed, false);
    assert.equal(r.items[0]!.ok, false);
  });

  it('a manifest path that leaves the package is refused', async () => {
    const { dir } = await fresh();
    await forgeManifest(dir, (m) => {
      m.files[0]!.path = '../../etc/passwd';
    });
    const r = await verifyPackage(dir);
    assert.deepEqual(r.items, []);
    assert.ok(r.problems.some((q) => q.where === 'manifest.json' && /\$\.files\[0\]\.path is not a safe relative path/.test(q.what)), JSON.stringify(r.problems));
  });

  it('an unlisted file and an altered proof line are named', async () => {
    const { dir } = await fresh();
    await writeFile(join(dir, 'files', 'planted.mp4'), 'x');
    const proofs = (await readFile(join(dir, 'ledger/proofs.jsonl'), 'utf8')).split('\n');
    const p = JSON.parse(proofs[1]!);
    p.proof[0] = 'ff'.repeat(32);
    proofs[1] = JSON.stringify(p);
    await writeFile(join(dir, 'ledger/proofs.jsonl'), proofs.join('\n'));
    const r = await verifyPackage(dir);
    assert.ok(r.problems.some((q) => q.where === 'files/planted.mp4'), JSON.stringify(r.problems));
    assert.ok(r.problems.some((q) => q.where === 'ledger/entries.jsonl line 2 (entry #1)' && /inclusion proof/.test(q.what)));
    assert.equal(r.items[0]!.ok, false);
  });
});

describe('manifest and SHA256SUMS parsing', () => {
  it('names the missing or malformed field', () => {
    const m = { format: PACKAGE_FORMAT };
    assert.throws(() => parseManifest(JSON.stringify(m)), /manifest\.json: \$\.createdAt is missing/);
    assert.throws(() => parseManifest('{'), /not valid JSON/);
  });
  it('reads sha256sum lines and reports the others', () => {
    const r = parseSums(`${'a'.repeat(64)}  files/x\n${'b'.repeat(64)} *bin\nnonsense\n`);
    assert.deepEqual(r.lines.map((l) => l.path), ['files/x', 'bin']);
    assert.deepEqual(r.bad, [3]);
  });
});

// The command line of the offline verifier: `node verify.js <package folder or zip> [--json] [--key <verifier key>]`.
// Bundled with everything it needs into the single file verify.js shipped in every package.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifyPackage, type PackageVerification } from './package-verify.js';

const USAGE = `Usage: node verify.js [package] [--json] [--key <verifier key>] [--tsa-ca <file>] [--no-openssl]

Checks a Custodia court package offline: every file's SHA-256, the signed ledger checkpoint, every
ledger entry's inclusion proof, earlier checkpoints' consistency, the RFC 3161 timestamps, and that
the ledger records each item as manifest.json describes it.

  package        the package folder, or its .zip read as it is, without unpacking it
                 (default: the folder verify.js is in, or ".")
  --json         machine-readable result
  --key K        the instance's verifier key, obtained from the organisation itself (recommended;
                 without it the key shipped in ledger/verifier.key is used)
  --tsa-ca FILE  the timestamp authority's CA certificate (PEM), obtained from the TSA itself
                 (without it the copy shipped in timestamps/ is used)
  --no-openssl   do not run "openssl ts -verify" on the timestamp tokens

Exit codes: 0 everything verified · 1 something failed (listed) · 2 usage error.`;

/** Runs the verifier with command-line arguments; resolves to the exit code. */
export async function main(argv: string[], defaultDir: string): Promise<number> {
  let dir: string | undefined;
  let json = false;
  let key: string | undefined;
  let openssl: false | undefined;
  let tsaCa: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--no-openssl') openssl = false;
    else if (a === '--key') key = argv[++i];
    else if (a === '--tsa-ca') tsaCa = argv[++i];
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else if (a.startsWith('-') || dir !== undefined) {
      process.stderr.write(`verify.js: unexpected argument ${JSON.stringify(a)}\n\n${USAGE}\n`);
      return 2;
    } else dir = a;
  }
  if (argv.includes('--key') && !key) {
    process.stderr.write('verify.js: --key needs a verifier key (name+id+base64)\n');
    return 2;
  }
  if ((argv.includes('--tsa-ca') && !tsaCa) || (tsaCa && !existsSync(tsaCa))) {
    process.stderr.write(`verify.js: --tsa-ca needs an existing PEM file${tsaCa ? ` (${tsaCa} does not exist)` : ''}\n`);
    return 2;
  }
  const target = resolve(dir ?? defaultDir);
  if (!existsSync(target) || !(statSync(target).isDirectory() || statSync(target).isFile())) {
    process.stderr.write(`verify.js: ${target} does not exist: give the package folder (the one holding manifest.json) or its .zip\n`);
    return 2;
  }
  const r = await verifyPackage(target, {
    ...(key ? { verifierKey: key } : {}),
    ...(openssl === false ? { openssl } : {}),
    ...(tsaCa ? { tsaCaFile: resolve(tsaCa) } : {}),
  });
  if (json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else process.stdout.write(render(r));
  return r.ok ? 0 : 1;
}

const mb = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);

function render(r: PackageVerification): string {
  const out: string[] = [`Custodia court package: ${r.dir}${r.container === 'zip' ? ' (zip, read in place)' : ''}`];
  if (r.instance) {
    out.push(`Instance: ${r.instance.origin}`, `Verifier key: ${r.instance.verifierKey}`);
    if (r.instance.keyFromPackage) {
      out.push('  (taken from the package itself: compare it with the key the organisation publishes, or pass it with --key)');
    }
    if (r.timestamps.length && r.instance.tsaCaFromPackage) {
      out.push('  (timestamps checked with the TSA CA certificate shipped in the package: pass the TSA\'s own with --tsa-ca to rely on them)');
    }
  }
  out.push(`Files: ${r.files.checked} hashed (${mb(r.files.bytes)})`);
  if (r.checkpoint) out.push(`Checkpoint: tree size ${r.checkpoint.treeSize}, Ed25519 signature ${r.checkpoint.signed ? 'VALID' : 'NOT VALID'}`);
  if (r.ledger) {
    out.push(
      `Ledger entries: ${r.ledger.included} of ${r.ledger.entries} proven included in the checkpoint`,
      `Earlier checkpoints: ${r.ledger.consistent} of ${r.ledger.earlierCheckpoints} consistent with it`,
    );
    for (const l of r.ledger.leafProofs) {
      out.push(`Entry #${l.seq} (text withheld, ${l.file}): leaf hash ${l.leafHashHex} ${l.included ? 'proven included in the checkpoint' : 'NOT PROVEN'}`);
    }
  }
  for (const t of r.timestamps) {
    out.push(
      `Timestamp ${t.file}: ${t.genTime ?? '?'} by ${t.tsa}; imprint ${t.imprint ? 'matches' : 'DOES NOT MATCH'}; ` +
        `TSA signature ${t.signature === 'verified' ? 'verified with openssl' : t.signature === 'failed' ? 'FAILED' : 'not checked'}` +
        (t.detail && t.signature !== 'failed' ? ` (${t.detail})` : ''),
    );
  }
  if (r.incident) {
    out.push(`Incident #${r.incident.id}: ${r.incident.title} — ${r.incident.segments} evidence segment(s), each checked against its ledger entry under its item`);
  }
  if (r.items.length) out.push('', 'Items:');
  for (const it of r.items) {
    const head = `${it.ok ? 'OK    ' : 'FAILED'}  #${it.id}  ${it.path}`;
    const tail = it.sha256 ? `  sha256 ${it.sha256}` : '  (no content)';
    out.push(head + tail + (it.ok && it.timestampedBy ? `  in the ledger by ${it.timestampedBy}` : ''));
    for (const p of it.problems) out.push(`          ${p.where}: ${p.what}`);
  }
  const itemWheres = new Set(r.items.flatMap((i) => i.problems.map((p) => `${p.where}\0${p.what}`)));
  const other = r.problems.filter((p) => !itemWheres.has(`${p.where}\0${p.what}`));
  if (other.length) {
    out.push('', 'Package problems:');
    for (const p of other) out.push(`  ${p.where}: ${p.what}`);
  }
  const failed = r.items.filter((i) => !i.ok).length;
  out.push(
    '',
    r.ok
      ? `VERDICT: VERIFIED — all ${r.items.length} items and every file check out.`
      : `VERDICT: FAILED — ${r.problems.length} problem(s); ${failed} of ${r.items.length} items failed.`,
  );
  return out.join('\n') + '\n';
}

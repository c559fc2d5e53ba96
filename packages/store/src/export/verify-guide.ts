import type { PackageManifest } from '@custodia/verify';

/** VERIFY.md: how an outside expert checks the package, with our verifier and without it. */
export function verifyGuide(m: PackageManifest): string {
  const ts = m.ledger.timestamps;
  const final = ts.find((t) => t.checkpoint === m.ledger.checkpoint) ?? ts[0];
  const ca = m.ledger.tsaCaFile;
  const keyName = m.instance.verifierKey.split('+')[0];
  const tsSection = final
    ? `\`\`\`sh
openssl ts -reply -in ${final.file} -text        # who timestamped it, when, and the imprint
openssl ts -verify -data ${final.checkpoint} -in ${final.file} -CAfile ${ca ?? '<the TSA\'s CA certificate>'}
\`\`\`
It must print \`Verification: OK\`. This proves the signed checkpoint — and so every ledger entry
it covers — existed at the time the timestamp authority (${final.tsa}) states. The package holds
${ts.length} token(s); each \`timestamps/<size>-<n>.tsr\` timestamps the checkpoint file named for it in
\`manifest.json\` (\`ledger.timestamps\`), so the same command works for each.${ca ? '' : '\n\nThe package has no CA certificate for the TSA: obtain it from the timestamp authority.'}`
    : 'This instance had no timestamp authority configured: the package holds no RFC 3161 tokens.';

  return `# Verifying this evidence package

This package was made by Custodia on ${m.createdAt} (${m.createdBy.tool}). It holds
${m.items.length} evidence item(s)${m.withOriginals ? ' with their original files' : ' (originals not included)'}, ${m.derivatives.length} derivative file(s)
(viewing copies, thumbnails, salvaged copies), the custody ledger entries about them, and the
proofs that tie everything to a signed ledger checkpoint.

Nothing here needs to be trusted on our word. What you need to trust is:

1. **The instance's public verifier key**, in \`ledger/verifier.key\`:
   \`${m.instance.verifierKey}\`
   Compare it with the key the organisation publishes or gives you directly (not via this package).
2. **The timestamp authority's CA certificate** (${ca ? `\`${ca}\`` : 'not included'}), if you rely on the timestamps.

## 1. With the bundled verifier (Node.js 18 or later, no installation)

\`\`\`sh
node verify.js .
node verify.js . --key '${m.instance.verifierKey}'   # with the key you obtained independently
node verify.js . --json                             # machine-readable
\`\`\`

The zip of the package (\`custodia export --zip\`) can be verified as it is, without unpacking it:

\`\`\`sh
unzip -j <package>.zip '*/verify.js' -d verifier   # or use any copy of verify.js: it needs nothing else
node verifier/verify.js <package>.zip
\`\`\`

In a zip it also checks the zip itself: every local header against the central directory (zip64
records included), every entry's CRC-32 and size, and that every byte of the zip belongs to an entry
or to the directory. It refuses names that would leave the folder when extracted (\`..\`, absolute
paths, backslashes), duplicate names, encrypted entries, overlapping entries and bytes before, between
or after the entries, naming the entry or the byte offset.

It checks every file's SHA-256 against \`manifest.json\` and \`SHA256SUMS\`, the checkpoint's Ed25519
signature, every ledger entry's Merkle inclusion proof, the consistency of earlier checkpoints with
the final one, the timestamp tokens (with \`openssl ts -verify\` when openssl is installed), and that
the ledger recorded each item with the hash, size and path the manifest states. It prints OK or
FAILED per item with what failed and where, then an overall verdict; it exits 0 only if everything
checks. \`verify.js\` is plain, readable JavaScript (not minified).

## 2. Without our code

### 2.1 File hashes
\`\`\`sh
sha256sum -c SHA256SUMS
\`\`\`
Every line must say \`OK\`. This needs the unpacked folder: unzip a zipped package first
(\`unzip <package>.zip\`, then run it inside the folder). Evidence files are named by their own SHA-256
(\`files/originals/<sha256>\`, \`files/derivatives/<sha256>\`), so \`sha256sum files/originals/*\` must print
each file's own name. \`manifest.json\` maps them to the original paths, sizes and times.

### 2.2 The checkpoint's signature (Ed25519, C2SP signed note)
\`ledger/checkpoint.txt\` is a signed note: three text lines (log name, tree size, base64 root hash),
a blank line, and a signature line \`— ${keyName} <base64>\`. The base64 decodes to a 4-byte key ID
followed by a 64-byte Ed25519 signature over the text lines (everything before the blank line,
including the final newline). The verifier key's last part is base64 of the byte 0x01 followed by the
32-byte public key.
\`\`\`sh
head -n 3 ledger/checkpoint.txt > body.txt
tail -n 1 ledger/checkpoint.txt | awk '{print $3}' | base64 -d | tail -c 64 > sig.bin
cut -d+ -f3- ledger/verifier.key | base64 -d | tail -c 32 > pub.raw   # the base64 may itself hold '+'
# wrap the raw key in the fixed 12-byte DER prefix of an Ed25519 SubjectPublicKeyInfo
( printf '\\x30\\x2a\\x30\\x05\\x06\\x03\\x2b\\x65\\x70\\x03\\x21\\x00'; cat pub.raw ) > pub.der
openssl pkeyutl -verify -pubin -inkey pub.der -keyform DER -rawin -in body.txt -sigfile sig.bin
\`\`\`
It must print \`Signature Verified Successfully\`. The same works for \`ledger/checkpoints/*.txt\`.

### 2.3 Ledger entries and their inclusion proofs (RFC 6962 / RFC 9162)
\`ledger/entries.jsonl\` holds each entry's exact bytes, one per line (canonical JSON; the newline is
not part of the entry). Line *i* of \`ledger/proofs.jsonl\` gives that entry's leaf index (\`seq\`), its
leaf hash and its inclusion proof against the checkpoint (tree size ${m.ledger.treeSize}).

- leaf hash: \`SHA-256(0x00 ‖ entry bytes)\`
  \`sed -n 1p ledger/entries.jsonl | tr -d '\\n' | (printf '\\x00'; cat) | sha256sum\`
- node hash: \`SHA-256(0x01 ‖ left ‖ right)\`
- the root of the tree is the checkpoint's base64 root hash (\`${m.ledger.rootHashHex}\` in hex).

To check a proof by hand (RFC 9162 §2.1.3.2): set \`fn = seq\`, \`sn = tree size − 1\`, \`r = leaf hash\`.
For each hash \`p\` of the proof in order: if \`fn\` is odd or \`fn = sn\`, then \`r = node(p, r)\` and,
if \`fn\` was even, shift \`fn\` and \`sn\` right until \`fn\` is odd or 0; otherwise \`r = node(r, p)\`.
Then shift \`fn\` and \`sn\` right by one. At the end \`sn\` must be 0 and \`r\` must equal the root.

Each item's \`ingested\` entry names the file's SHA-256 in \`subjects\` and its path, size and time in
\`details\`; each \`derivative-made\` entry names the source and the derivative's SHA-256, the tool and
the exact recipe. \`manifest.json\` gives each item's and derivative's entry number (\`ledgerSeq\`).${m.incident ? `

This package was exported for incident #${m.incident.id} (\`manifest.json\`, \`incident\`). Each of its
evidence segments names the \`incident-evidence-added\` entry (\`ledgerSeq\`) that records the incident,
the item, its SHA-256 (in \`subjects\`) and the segment's start and end in seconds.` : ''}

Earlier checkpoints (\`ledger/checkpoints/\`) come with RFC 9162 consistency proofs
(\`manifest.json\`, \`ledger.earlierCheckpoints\`) showing the final tree extends them unchanged.

### 2.4 Timestamps (RFC 3161)
${tsSection}

## What the package contains
| path | what |
|---|---|
| \`manifest.json\` | instance, cases, items (path, size, time, SHA-256, status), acquisitions, derivatives, files |
| \`SHA256SUMS\` | SHA-256 of every other file, for \`sha256sum -c\` |
| \`files/\` | ${m.withOriginals ? 'originals and ' : ''}derivatives, each named by its SHA-256 |
| \`ledger/\` | entries, proofs, the signed checkpoint, earlier checkpoints, the verifier key |
| \`timestamps/\` | RFC 3161 answers of the timestamp authority${ca ? ' and its CA certificate' : ''} |
| \`report.pdf\` | the human-readable report: evidence list, custody history, methods and tools |
| \`verify.js\` | the offline verifier |
`;
}

#!/usr/bin/env node
// Micro-benchmark of the ledger's hot paths. Build first (`npx tsc -b packages/ledger`), then:
//   node packages/ledger/bench/merkle.bench.mjs [entries=1000000]
// Wall-clock numbers: run on an otherwise idle machine.
import { CompactRange, MerkleTree, decodeEntry, encodeEntry, leafHash } from '../dist/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n, ms) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;
function time(label, fn) {
  const t0 = performance.now();
  const result = fn();
  const ms = performance.now() - t0;
  return { label, ms, result };
}

// Synthetic custody entries of ~250 bytes of canonical JSON each.
const subject = (i) => (i.toString(16).padStart(8, '0') + 'ab').repeat(7).slice(0, 64);
const objects = new Array(N);
for (let i = 0; i < N; i++) {
  objects[i] = {
    v: 1, seq: i, time: new Date(1_700_000_000_000 + i * 1000).toISOString(), actor: 'intake-node-3',
    action: 'evidence.received', subjects: [subject(i)],
    details: { bytes: 1_048_576 + i, mediaType: 'video/mp4', source: 'upload', ngo: 'example-ngo' },
  };
}
const made = time('encode entries', () => objects.map((o) => encodeEntry(o)));
objects.length = 0; // don't let a million live objects slow the GC during the remaining measurements
const entries = made.result;
const avg = entries.reduce((s, e) => s + e.length, 0) / N;
console.log(`${N.toLocaleString('en-US')} entries, average ${avg.toFixed(0)} bytes of canonical JSON`);
console.log(`  encodeEntry (validate + canonical JSON + UTF-8): ${fmt(made.ms)} (${rate(N, made.ms)})`);

const rebuild = time('rebuild root from entry bytes', () => {
  const range = new CompactRange();
  for (const e of entries) range.append(leafHash(e));
  return range.root().toString('hex');
});
console.log(`  root from entry bytes (leaf + root hashing):     ${fmt(rebuild.ms)} (${rate(N, rebuild.ms)})`);

const verify = time('verify ledger', () => {
  const range = new CompactRange();
  for (let i = 0; i < N; i++) {
    const e = decodeEntry(entries[i]);
    if (e.seq !== i) throw new Error(`entry ${i} has seq ${e.seq}`);
    range.append(leafHash(entries[i]));
  }
  return range.root().toString('hex');
});
console.log(`  full verify (decodeEntry strict + leaf + root):  ${fmt(verify.ms)} (${rate(N, verify.ms)})`);

const leaves = time('leaf hashes', () => entries.map((e) => leafHash(e)));
console.log(`  leafHash:                                        ${fmt(leaves.ms)} (${rate(N, leaves.ms)}, ${(avg * N / 1e6 / (leaves.ms / 1000)).toFixed(0)} MB/s)`);

const compact = time('compact range root', () => {
  const range = new CompactRange();
  for (const h of leaves.result) range.append(h);
  return range.root().toString('hex');
});
console.log(`  CompactRange append ×N + root (node hashes):     ${fmt(compact.ms)} (${rate(N, compact.ms)})`);

const tree = time('MerkleTree', () => new MerkleTree(leaves.result));
console.log(`  MerkleTree of N leaf hashes:                     ${fmt(tree.ms)} (${rate(N, tree.ms)})`);
if (tree.result.root().toString('hex') !== compact.result || rebuild.result !== compact.result || verify.result !== compact.result) {
  throw new Error('roots disagree');
}

const proofs = time('proofs', () => {
  const t = tree.result;
  for (let i = 0; i < 10_000; i++) {
    const size = N - (i % 1000);
    t.inclusionProof((i * 7919) % size, size);
    t.consistencyProof(1 + ((i * 104729) % (N - 1)), N);
  }
});
console.log(`  10,000 inclusion + 10,000 consistency proofs:    ${fmt(proofs.ms)}`);
console.log(`  root ${compact.result}`);

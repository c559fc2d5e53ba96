import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { verifyConsistency, verifyInclusion } from './merkle-verify.js';
import { CompactRange, MerkleTree, emptyRoot, leafHash, nodeHash } from './merkle.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Buffer => Buffer.from(h, 'hex');
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

// ---- Naive reference implementation, written straight from RFC 9162 §2.1 -------------------
const refLeaf = (d: Uint8Array): Buffer => sha256(Buffer.from([0]), d);
const refNode = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);
const splitK = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
function MTH(D: Uint8Array[]): Buffer {
  if (D.length === 0) return sha256();
  if (D.length === 1) return refLeaf(D[0]!);
  const k = splitK(D.length);
  return refNode(MTH(D.slice(0, k)), MTH(D.slice(k)));
}
function PATH(m: number, D: Uint8Array[]): Buffer[] {
  if (D.length === 1) return [];
  const k = splitK(D.length);
  return m < k ? [...PATH(m, D.slice(0, k)), MTH(D.slice(k))] : [...PATH(m - k, D.slice(k)), MTH(D.slice(0, k))];
}
function SUBPROOF(m: number, D: Uint8Array[], b: boolean): Buffer[] {
  if (m === D.length) return b ? [] : [MTH(D)];
  const k = splitK(D.length);
  return m <= k
    ? [...SUBPROOF(m, D.slice(0, k), b), MTH(D.slice(k))]
    : [...SUBPROOF(m - k, D.slice(k), false), MTH(D.slice(0, k))];
}
const PROOF = (m: number, D: Uint8Array[]): Buffer[] => SUBPROOF(m, D, true);

// ---- RFC 6962 / certificate-transparency reference test data ----------------------------
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_PATHS: [number, number, string[]][] = [
  [0, 1, []],
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CT_CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

function flipBit(b: Uint8Array, byte = 0, mask = 0x01): Buffer {
  const c = Buffer.from(b);
  c[byte]! ^= mask;
  return c;
}

describe('hashing primitives', () => {
  it('match RFC 6962 definitions and known values', () => {
    assert.equal(hex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(hex(leafHash(Buffer.alloc(0))), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    assert.equal(hex(leafHash(Buffer.from([0]))), '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
    assert.deepEqual(leafHash('héllo'), refLeaf(Buffer.from('héllo', 'utf8')));
    const big = Buffer.alloc(100_000, 7); // larger than the internal scratch buffer
    assert.deepEqual(leafHash(big), refLeaf(big));
    assert.deepEqual(leafHash(Buffer.from('ab')), refLeaf(Buffer.from('ab'))); // scratch reuse after growth
    const l = leafHash('l');
    const r = leafHash('r');
    assert.deepEqual(nodeHash(l, r), refNode(l, r));
    assert.notDeepEqual(nodeHash(l, r), nodeHash(r, l));
    assert.throws(() => nodeHash(l, Buffer.alloc(31)), /32-byte/);
  });
});

describe('certificate-transparency reference tree', () => {
  const tree = new MerkleTree(CT_INPUTS.map((d) => leafHash(d)));

  it('has the published roots for sizes 0..8', () => {
    assert.equal(hex(tree.root(0)), hex(emptyRoot()));
    CT_ROOTS.forEach((root, i) => assert.equal(hex(tree.root(i + 1)), root, `size ${i + 1}`));
    assert.equal(hex(tree.root()), '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('produces the published inclusion proofs, which verify', () => {
    for (const [index, size, want] of CT_PATHS) {
      const proof = tree.inclusionProof(index, size);
      assert.deepEqual(proof.map(hex), want, `PATH(${index}, ${size})`);
      assert.ok(verifyInclusion(leafHash(CT_INPUTS[index]!), index, size, proof, unhex(CT_ROOTS[size - 1]!)));
    }
  });

  it('produces the published consistency proofs, which verify', () => {
    for (const [m, n, want] of CT_CONSISTENCY) {
      const proof = tree.consistencyProof(m, n);
      assert.deepEqual(proof.map(hex), want, `PROOF(${m}, ${n})`);
      assert.ok(verifyConsistency(m, n, proof, unhex(CT_ROOTS[m - 1]!), unhex(CT_ROOTS[n - 1]!)));
    }
  });
});

describe('against the naive RFC 9162 reference for every size 1..70', () => {
  const MAX = 70;
  const data = Array.from({ length: MAX }, (_, i) => Buffer.from(`leaf ${i} ${'x'.repeat(i % 7)}`));
  const tree = new MerkleTree(data.map((d) => leafHash(d)));
  const roots = Array.from({ length: MAX + 1 }, (_, n) => MTH(data.slice(0, n)));

  it('roots of every prefix size match MTH, incrementally built trees and compact ranges', () => {
    const incremental = new MerkleTree();
    const range = new CompactRange();
    for (let n = 0; n <= MAX; n++) {
      assert.deepEqual(tree.root(n), roots[n], `root(${n})`);
      assert.deepEqual(incremental.root(), roots[n], `incremental root at ${n}`);
      assert.deepEqual(range.root(), roots[n], `compact range root at ${n}`);
      assert.equal(range.size, n);
      assert.deepEqual(CompactRange.fromJSON(JSON.parse(JSON.stringify(range))).root(), roots[n]);
      if (n < MAX) {
        assert.equal(incremental.append(leafHash(data[n]!)), n);
        range.append(leafHash(data[n]!));
      }
    }
  });

  it('inclusion proofs for all indices and sizes match PATH and verify', () => {
    for (let n = 1; n <= MAX; n++) {
      const D = data.slice(0, n);
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        assert.deepEqual(proof.map(hex), PATH(i, D).map(hex), `PATH(${i}, ${n})`);
        assert.ok(verifyInclusion(leafHash(data[i]!), i, n, proof, roots[n]!), `verify (${i}, ${n})`);
      }
    }
  });

  it('consistency proofs for all 1 ≤ m ≤ n match PROOF and verify', () => {
    for (let n = 1; n <= MAX; n++) {
      const D = data.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        assert.deepEqual(proof.map(hex), m === n ? [] : PROOF(m, D).map(hex), `PROOF(${m}, ${n})`);
        assert.ok(verifyConsistency(m, n, proof, roots[m]!, roots[n]!), `verify (${m}, ${n})`);
      }
    }
  });

  it('rejects every tampered inclusion proof, index, size, leaf and root (sizes 1..33)', () => {
    for (let n = 1; n <= 33; n++) {
      for (let i = 0; i < n; i++) {
        const leaf = leafHash(data[i]!);
        const proof = tree.inclusionProof(i, n);
        const root = roots[n]!;
        for (let p = 0; p < proof.length; p++) {
          const bad = proof.map((h, j) => (j === p ? flipBit(h, p % 32) : h));
          assert.equal(verifyInclusion(leaf, i, n, bad, root), false, `flipped proof[${p}] (${i}, ${n})`);
        }
        for (let j = 0; j < n; j++) {
          if (j !== i) assert.equal(verifyInclusion(leaf, j, n, proof, root), false, `index ${j} instead of ${i} (size ${n})`);
        }
        for (const other of [n - 1, n + 1, n + 2]) {
          if (other >= 1 && other <= MAX) assert.equal(verifyInclusion(leaf, i, other, proof, roots[other]!), false, `size ${other} for (${i}, ${n})`);
        }
        assert.equal(verifyInclusion(flipBit(leaf, 31, 0x80), i, n, proof, root), false);
        assert.equal(verifyInclusion(leaf, i, n, proof, flipBit(root, 5)), false);
        assert.equal(verifyInclusion(leaf, i, n, [...proof, root], root), false, 'extra proof element');
        if (proof.length > 0) assert.equal(verifyInclusion(leaf, i, n, proof.slice(0, -1), root), false, 'truncated proof');
      }
    }
  });

  it('rejects every tampered consistency proof, size and root (sizes 1..33)', () => {
    for (let n = 2; n <= 33; n++) {
      for (let m = 1; m < n; m++) {
        const proof = tree.consistencyProof(m, n);
        for (let p = 0; p < proof.length; p++) {
          const bad = proof.map((h, j) => (j === p ? flipBit(h, 7) : h));
          assert.equal(verifyConsistency(m, n, bad, roots[m]!, roots[n]!), false, `flipped proof[${p}] (${m}, ${n})`);
        }
        assert.equal(verifyConsistency(m, n, proof, flipBit(roots[m]!, 0), roots[n]!), false, 'bad old root');
        assert.equal(verifyConsistency(m, n, proof, roots[m]!, flipBit(roots[n]!, 0)), false, 'bad new root');
        for (let m2 = 1; m2 < n; m2++) {
          if (m2 !== m) assert.equal(verifyConsistency(m2, n, proof, roots[m2]!, roots[n]!), false, `m=${m2} with proof for ${m} (n=${n})`);
        }
        if (n + 1 <= MAX) assert.equal(verifyConsistency(m, n + 1, proof, roots[m]!, roots[n + 1]!), false, 'wrong new size');
        assert.equal(verifyConsistency(m, n, [...proof, roots[n]!], roots[m]!, roots[n]!), false, 'extra element');
        assert.equal(verifyConsistency(m, n, proof.slice(0, -1), roots[m]!, roots[n]!), false, 'truncated');
        assert.equal(verifyConsistency(n, m, proof, roots[n]!, roots[m]!), false, 'sizes swapped');
      }
    }
  });
});

describe('edge cases', () => {
  const tree = new MerkleTree(['a', 'b', 'c'].map((s) => leafHash(s)));

  it('verifiers return false (never throw) on malformed input', () => {
    const leaf = leafHash('a');
    const root = tree.root();
    const proof = tree.inclusionProof(0, 3);
    assert.ok(verifyInclusion(leaf, 0, 3, proof, root));
    for (const [i, n] of [[-1, 3], [3, 3], [0, 0], [0.5, 3], [0, 2 ** 53], [Number.NaN, 3]] as const) {
      assert.equal(verifyInclusion(leaf, i, n, proof, root), false);
    }
    assert.equal(verifyInclusion(leaf, 0, 3, [Buffer.alloc(31), proof[1]!], root), false);
    assert.equal(verifyInclusion(leaf.subarray(1), 0, 3, proof, root), false);
    assert.equal(verifyInclusion(leaf, 0, 3, 'nope' as unknown as Uint8Array[], root), false);
    assert.equal(verifyConsistency(2, 1, [], root, root), false);
    assert.equal(verifyConsistency(1, 3, [], tree.root(1), root), false, 'empty proof for m < n');
    assert.equal(verifyConsistency(1, 3, tree.consistencyProof(1, 3), tree.root(1), Buffer.alloc(3)), false);
  });

  it('handles m = n and m = 0 consistency', () => {
    assert.ok(verifyConsistency(3, 3, [], tree.root(), tree.root()));
    assert.equal(verifyConsistency(3, 3, [], tree.root(), tree.root(2)), false);
    assert.equal(verifyConsistency(3, 3, [tree.root()], tree.root(), tree.root()), false);
    assert.ok(verifyConsistency(0, 3, [], emptyRoot(), tree.root()));
    assert.equal(verifyConsistency(0, 3, [], tree.root(1), tree.root()), false);
    assert.deepEqual(tree.consistencyProof(3, 3), []);
  });

  it('rejects out-of-range requests on the tree', () => {
    assert.throws(() => tree.root(4), RangeError);
    assert.throws(() => tree.inclusionProof(3, 3), RangeError);
    assert.throws(() => tree.inclusionProof(0, 4), RangeError);
    assert.throws(() => tree.consistencyProof(0, 3), RangeError);
    assert.throws(() => tree.consistencyProof(3, 2), RangeError);
    assert.throws(() => tree.leafHash(3), RangeError);
    assert.throws(() => tree.append(Buffer.alloc(16)), TypeError);
    assert.deepEqual(tree.leafHash(1), leafHash('b'));
  });

  it('returns copies, so callers cannot corrupt the tree', () => {
    const before = tree.root();
    tree.root().fill(0);
    tree.leafHash(0).fill(0);
    tree.inclusionProof(0, 2)[0]!.fill(0);
    assert.deepEqual(tree.root(), before);
    assert.deepEqual(tree.inclusionProof(0, 2), [leafHash('b')]);
  });

  it('validates compact range JSON', () => {
    assert.throws(() => CompactRange.fromJSON({ size: 3, hashes: [hex(leafHash('a'))] }), /must have 2 hashes/);
    assert.throws(() => CompactRange.fromJSON({ size: 1, hashes: ['AB'.repeat(32)] }), /lowercase hex/);
    assert.throws(() => CompactRange.fromJSON({ size: -1, hashes: [] }), TypeError);
    const range = new CompactRange();
    ['a', 'b', 'c'].forEach((s) => range.append(leafHash(s)));
    assert.deepEqual(range.toJSON(), { size: 3, hashes: [hex(refNode(leafHash('a'), leafHash('b'))), hex(leafHash('c'))] });
  });
});

describe('scaling', () => {
  it('builds a 2^17+3 leaf tree and answers 2,000 proofs with O(log n) work', () => {
    const n = 2 ** 17 + 3;
    const tree = new MerkleTree();
    const range = new CompactRange();
    for (let i = 0; i < n; i++) {
      const h = leafHash(`entry ${i}`);
      tree.append(h);
      range.append(h);
    }
    assert.deepEqual(tree.root(), range.root());
    const started = performance.now();
    for (let k = 0; k < 1000; k++) {
      const size = n - k * 37;
      const index = (k * 7919) % size;
      const proof = tree.inclusionProof(index, size);
      assert.ok(proof.length <= 18);
      assert.ok(verifyInclusion(tree.leafHash(index), index, size, proof, tree.root(size)));
      const m = 1 + ((k * 104_729) % (size - 1));
      assert.ok(verifyConsistency(m, size, tree.consistencyProof(m, size), tree.root(m), tree.root(size)));
    }
    // An O(n) implementation would need ~10^8 hashes here (minutes); O(log n) takes well under a second.
    assert.ok(performance.now() - started < 5000, 'proofs too slow: not O(log n)?');
  });
});

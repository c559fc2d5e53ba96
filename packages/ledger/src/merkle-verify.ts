// Verification of RFC 9162 Merkle proofs, written independently of the MerkleTree class:
// this file (plus the three hash functions in merkle.ts) is all a verifier needs to read.
// Each step is numbered as in RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).

import { HASH_SIZE, emptyRoot, isPowerOfTwo, isSize, nodeHash } from './merkle.js';

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * Verifies an inclusion proof with exactly the algorithm of RFC 9162 §2.1.3.2. Returns false
 * (never throws) for any malformed input.
 *
 * @example
 * verifyInclusion(leafHash(entryBytes), 5, 8, proof, signedRoot) // => true if entry 5 is in that tree
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(leaf) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  // 1. leaf_index must be smaller than tree_size.
  if (!isSize(index) || !isSize(size) || index >= size) return false;
  // 2–3. fn = leaf_index, sn = tree_size - 1, r = hash.
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  // 4. Fold in each proof hash.
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. sn must be 0 and r must equal the root.
  return sn === 0 && sameHash(r, root);
}

/**
 * Verifies a consistency proof with exactly the algorithm of RFC 9162 §2.1.4.2: the tree of
 * size `m` with root `rootM` is a prefix of the tree of size `n` with root `rootN`.
 * Edge cases outside the RFC's 0 < m < n: m = n needs an empty proof and equal roots;
 * m = 0 needs an empty proof and `rootM` equal to {@link emptyRoot}. Never throws.
 *
 * @example
 * verifyConsistency(3, 7, proof, rootAt3, rootAt7) // => true if nothing before entry 3 was changed
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
): boolean {
  if (!isHash(rootM) || !isHash(rootN) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!isSize(m) || !isSize(n) || m > n) return false;
  if (m === n) return proof.length === 0 && sameHash(rootM, rootN);
  if (m === 0) return proof.length === 0 && sameHash(rootM, emptyRoot());
  // 1. An empty proof cannot prove anything for 0 < m < n.
  if (proof.length === 0) return false;
  // 2. If m is an exact power of 2, prepend rootM.
  const path: readonly Uint8Array[] = isPowerOfTwo(m) ? [rootM, ...proof] : proof;
  // 3. fn = m - 1, sn = n - 1.
  let fn = m - 1;
  let sn = n - 1;
  // 4. Right-shift both while LSB(fn) is set.
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // 5. fr = sr = first value of the path.
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  // 6. For each subsequent value c:
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7. Both roots must match and sn must be 0.
  return sameHash(fr, rootM) && sameHash(sr, rootN) && sn === 0;
}

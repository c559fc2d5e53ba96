// Merkle tree hashing and proofs exactly as in RFC 6962 / RFC 9162 §2.1 (the Certificate
// Transparency tree, also used by the Go checksum database, Sigstore, etc.). Proof
// verification is in merkle-verify.ts.
//
//   leaf hash:  SHA-256(0x00 ‖ entry bytes)
//   node hash:  SHA-256(0x01 ‖ left ‖ right)
//   empty tree: SHA-256("")
//
// A tree of n leaves splits at k, the largest power of two smaller than n: the left subtree
// holds leaves [0, k) and is always perfect, the right subtree holds [k, n).

import { hash } from 'node:crypto';

/** Length in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

function sha256(bytes: Uint8Array): Buffer {
  return hash('sha256', bytes, 'buffer');
}

// Reusable input buffers for the hot path: one native hash call per leaf or node, with no
// concatenation. Safe because hashing is synchronous.
let leafScratch = Buffer.alloc(1024);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

function checkHash(h: Uint8Array, what: string): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new TypeError(`${what} must be a ${HASH_SIZE}-byte hash`);
  }
}

/**
 * RFC 6962 leaf hash: SHA-256(0x00 ‖ data). Strings are hashed as UTF-8.
 *
 * @example
 * leafHash(Buffer.alloc(0)).toString('hex') // => '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
 */
export function leafHash(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (bytes.length + 1 > leafScratch.length) {
    leafScratch = Buffer.alloc(Math.max(bytes.length + 1, leafScratch.length * 2));
  }
  leafScratch[0] = 0x00;
  leafScratch.set(bytes, 1);
  return sha256(leafScratch.subarray(0, bytes.length + 1));
}

/**
 * RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right).
 *
 * @example
 * const parent = nodeHash(leafHash('a'), leafHash('b')); // 32-byte Buffer
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  checkHash(left, 'left');
  checkHash(right, 'right');
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/** Node hash of two adjacent hashes stored at `buf[offset .. offset+64)`, without allocation of inputs. */
function nodeHashAt(buf: Buffer, offset: number): Buffer {
  buf.copy(nodeScratch, 1, offset, offset + 2 * HASH_SIZE);
  return sha256(nodeScratch);
}

/**
 * Root hash of the empty tree: SHA-256 of the empty string.
 *
 * @example
 * emptyRoot().toString('hex') // => 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function emptyRoot(): Buffer {
  return sha256(new Uint8Array(0));
}

/** @internal A tree size: a safe non-negative integer. */
export function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** @internal */
export function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** log2 of a power of two. */
function log2(n: number): number {
  let k = 0;
  for (let p = 1; p < n; p *= 2) k++;
  return k;
}

/** Largest power of two strictly smaller than n (n ≥ 2): the RFC's split point k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The "compact range" (a.k.a. frontier) of a tree: the roots of the perfect subtrees that
 * make up its leaves, largest first — one per set bit of `size`. Enough to append leaves and
 * compute the root in O(log n) memory, without keeping the leaves.
 *
 * @example
 * const range = new CompactRange();
 * for (const bytes of entries) range.append(leafHash(bytes));
 * range.root(); // same as the MerkleTree root of those entries
 * CompactRange.fromJSON(range.toJSON()).root().equals(range.root()) // => true
 */
export class CompactRange {
  #size = 0;
  #hashes: Buffer[] = [];

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the perfect-subtree roots, largest (leftmost) first. */
  get hashes(): Buffer[] {
    return this.#hashes.map((h) => Buffer.from(h));
  }

  /**
   * Appends one leaf hash (O(log n) node hashes at worst, amortised O(1)).
   *
   * @example
   * range.append(leafHash(encodeEntry(entry)));
   */
  append(leaf: Uint8Array): void {
    checkHash(leaf, 'leaf hash');
    let right: Buffer = Buffer.from(leaf);
    // Each trailing 1-bit of the old size is a perfect subtree of the same height as the one
    // being carried: merge them, exactly like binary addition.
    for (let n = this.#size; n % 2 === 1; n = (n - 1) / 2) {
      right = nodeHash(this.#hashes.pop()!, right);
    }
    this.#hashes.push(right);
    this.#size++;
  }

  /**
   * The RFC 6962 root hash: the perfect-subtree roots folded right to left.
   *
   * @example
   * new CompactRange().root().equals(emptyRoot()) // => true
   */
  root(): Buffer {
    const hashes = this.#hashes;
    if (hashes.length === 0) return emptyRoot();
    let root = hashes[hashes.length - 1]!;
    for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i]!, root);
    return Buffer.from(root);
  }

  /**
   * Serialisable form `{ size, hashes: [lowercase hex, …] }`.
   *
   * @example
   * JSON.stringify(range) // => '{"size":3,"hashes":["fac5…","0298…"]}'
   */
  toJSON(): { size: number; hashes: string[] } {
    return { size: this.#size, hashes: this.#hashes.map((h) => h.toString('hex')) };
  }

  /**
   * Restores a range saved with {@link CompactRange.toJSON}; checks the number of hashes
   * matches the size (one per set bit) and that each is 64 lowercase hex characters.
   *
   * @example
   * const range = CompactRange.fromJSON(JSON.parse(saved));
   */
  static fromJSON(json: { size: number; hashes: readonly string[] }): CompactRange {
    if (typeof json !== 'object' || json === null || !isSize(json.size) || !Array.isArray(json.hashes)) {
      throw new TypeError('compact range must be { size: non-negative integer, hashes: string[] }');
    }
    let expected = 0;
    for (let n = json.size; n > 0; n = Math.floor(n / 2)) expected += n % 2;
    if (json.hashes.length !== expected) {
      throw new TypeError(`compact range of size ${json.size} must have ${expected} hashes, got ${json.hashes.length}`);
    }
    const range = new CompactRange();
    range.#size = json.size;
    range.#hashes = json.hashes.map((h, i) => {
      if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) throw new TypeError(`compact range hash ${i} is not 64 lowercase hex characters`);
      return Buffer.from(h, 'hex');
    });
    return range;
  }
}

/**
 * A whole Merkle tree kept in memory: for every level k, the roots of all complete perfect
 * subtrees of 2^k leaves, stored contiguously (32 bytes each). That is ~2 × 32 bytes per leaf
 * (64 MB for a million leaves) and lets roots and proofs be produced for any earlier tree
 * size in O(log n) hashes.
 *
 * @example
 * const tree = new MerkleTree(entries.map((e) => leafHash(encodeEntry(e))));
 * const root = tree.root();
 * const proof = tree.inclusionProof(5, tree.size);
 * verifyInclusion(tree.leafHash(5), 5, tree.size, proof, root); // => true
 */
export class MerkleTree {
  /** #levels[k] holds floor(size / 2^k) hashes, each the root of leaves [i·2^k, (i+1)·2^k). */
  #levels: Buffer[] = [];
  #size = 0;

  /**
   * Builds a tree from leaf hashes (use {@link leafHash} on the entry bytes).
   *
   * @example
   * const tree = new MerkleTree([leafHash('a'), leafHash('b')]);
   */
  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const h of leafHashes) this.append(h);
  }

  /** Number of leaves. */
  get size(): number {
    return this.#size;
  }

  #level(k: number, minCount: number): Buffer {
    let level = this.#levels[k];
    if (level === undefined || level.length < minCount * HASH_SIZE) {
      const grown = Buffer.alloc(Math.max(minCount, 1024, level ? (level.length / HASH_SIZE) * 2 : 0) * HASH_SIZE);
      if (level) level.copy(grown);
      this.#levels[k] = level = grown;
    }
    return level;
  }

  /**
   * Appends one leaf hash and returns its index. Amortised O(1) node hashes.
   *
   * @example
   * const index = tree.append(leafHash(encodeEntry(entry)));
   */
  append(leaf: Uint8Array): number {
    checkHash(leaf, 'leaf hash');
    const index = this.#size;
    let k = 0;
    let i = index;
    this.#level(0, i + 1).set(leaf, i * HASH_SIZE);
    // While the node just written is a right child, its parent subtree is now complete.
    while (i % 2 === 1) {
      const parent = nodeHashAt(this.#levels[k]!, (i - 1) * HASH_SIZE);
      k++;
      i = (i - 1) / 2;
      this.#level(k, i + 1).set(parent, i * HASH_SIZE);
    }
    this.#size++;
    return index;
  }

  /**
   * A copy of the leaf hash at `index`.
   *
   * @example
   * tree.leafHash(0).equals(leafHash(firstEntryBytes)) // => true
   */
  leafHash(index: number): Buffer {
    if (!isSize(index) || index >= this.#size) throw new RangeError(`leaf index ${index} out of range for tree of size ${this.#size}`);
    return Buffer.from(this.#levels[0]!.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE));
  }

  /** MTH of leaves [start, end); a view into storage when the range is a stored perfect subtree. */
  #hashRange(start: number, end: number): Buffer {
    const n = end - start;
    if (isPowerOfTwo(n)) {
      // RFC 6962 splits only ever produce perfect subtrees aligned to their own size.
      if (start % n !== 0) throw new Error(`internal error: unaligned subtree [${start}, ${end})`);
      const i = start / n;
      return this.#levels[log2(n)]!.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    }
    const k = splitPoint(n);
    return nodeHash(this.#hashRange(start, start + k), this.#hashRange(start + k, end));
  }

  #checkTreeSize(size: number, what: string): void {
    if (!isSize(size) || size > this.#size) throw new RangeError(`${what} ${size} out of range for tree of size ${this.#size}`);
  }

  /**
   * Root hash (RFC 9162 MTH) of the first `size` leaves; defaults to the whole tree.
   *
   * @example
   * tree.root();  // current root
   * tree.root(3); // root the tree had when it held 3 leaves
   */
  root(size: number = this.#size): Buffer {
    this.#checkTreeSize(size, 'tree size');
    if (size === 0) return emptyRoot();
    return Buffer.from(this.#hashRange(0, size));
  }

  /**
   * Inclusion proof (RFC 9162 §2.1.3.1 PATH) of leaf `index` in the tree of the first `size`
   * leaves: the sibling hashes from the leaf up to the root.
   *
   * @example
   * const proof = tree.inclusionProof(2, 7);
   * verifyInclusion(tree.leafHash(2), 2, 7, proof, tree.root(7)); // => true
   */
  inclusionProof(index: number, size: number = this.#size): Buffer[] {
    this.#checkTreeSize(size, 'tree size');
    if (!isSize(index) || index >= size) throw new RangeError(`leaf index ${index} out of range for tree size ${size}`);
    const path: Buffer[] = [];
    let start = 0;
    let end = size;
    // Walk down from the root; the sibling of each step is recorded, and the list reversed
    // at the end because PATH lists hashes from the leaf upwards.
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        path.push(this.#hashRange(start + k, end));
        end = start + k;
      } else {
        path.push(this.#hashRange(start, start + k));
        start += k;
      }
    }
    return path.reverse().map((h) => Buffer.from(h));
  }

  /**
   * Consistency proof (RFC 9162 §2.1.4.1 PROOF/SUBPROOF) that the tree of the first `m`
   * leaves is a prefix of the tree of the first `n` leaves (0 < m ≤ n ≤ size). Empty when m = n.
   *
   * @example
   * const proof = tree.consistencyProof(3, 7);
   * verifyConsistency(3, 7, proof, tree.root(3), tree.root(7)); // => true
   */
  consistencyProof(m: number, n: number = this.#size): Buffer[] {
    this.#checkTreeSize(n, 'tree size');
    if (!isSize(m) || m < 1 || m > n) throw new RangeError(`old tree size ${m} must be between 1 and ${n}`);
    const proof: Buffer[] = [];
    let start = 0;
    let end = n;
    let haveOldRoot = true; // the RFC's "b": whether the verifier already knows MTH(D[start:m])
    while (m !== end) {
      const k = splitPoint(end - start);
      if (m - start <= k) {
        proof.push(this.#hashRange(start + k, end));
        end = start + k;
      } else {
        proof.push(this.#hashRange(start, start + k));
        start += k;
        haveOldRoot = false;
      }
    }
    if (!haveOldRoot) proof.push(this.#hashRange(start, end));
    return proof.reverse().map((h) => Buffer.from(h));
  }
}

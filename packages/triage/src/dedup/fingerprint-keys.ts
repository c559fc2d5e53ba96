// The multi-index-hashing keys of a fingerprint, for an index kept in a database: the same four
// substrings NearDuplicateIndex files each moving frame under, as integers (table × 65536 +
// value). Two hashes within 3 bits share at least one key, so "videos sharing keys with this one"
// is an indexed query that finds the candidates worth matching in full.
import type { VideoFingerprint } from './fingerprint.js';
import { substrings } from './match.js';
import { prepareFingerprint } from './prepared.js';

/** Distinct keys of the fingerprint's moving, non-blank frames (static frames prove nothing). */
export function fingerprintKeys(fp: VideoFingerprint): number[] {
  const p = prepareFingerprint(fp);
  const keys = new Set<number>();
  for (let i = 0; i < p.length; i++) {
    if (p.activity[i]! < p.movingBits) continue;
    const h = p.hi[i]!;
    const l = p.lo[i]!;
    if (h === 0 && l === 0) continue;
    const s = substrings(h, l);
    for (let c = 0; c < 4; c++) keys.add(c * 65536 + s[c]!);
  }
  return [...keys].sort((a, b) => a - b);
}

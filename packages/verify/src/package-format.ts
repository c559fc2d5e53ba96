// The court package's manifest.json, as written by `custodia export` and read by the verifier.
// The verifier has no dependencies, so the shape is checked by hand here: every field it relies
// on is checked, and a malformed manifest is reported with the path of the bad field.

/** Format tag written in every manifest; a verifier refuses formats it does not know. */
export const PACKAGE_FORMAT = 'custodia-court-package/1';

export interface PackageFile {
  /** Relative path inside the package, `/`-separated. */
  path: string;
  sha256: string;
  size: number;
}

export interface PackageItem {
  id: number;
  case: number;
  path: string;
  /** Exact bytes of the original name (hex), when `path` is not a faithful rendering of them. */
  rawPathHex?: string;
  pathEncoding: string;
  size: number | null;
  mtime: string | null;
  sha256: string | null;
  kind: string;
  format: string;
  status: string;
  reason: string | null;
  acquisition: number;
  parent: number | null;
  /** Leaf index of the ledger entry that recorded the item (`ingested` or `ingest-problem`). */
  ledgerSeq: number;
  /** `files/originals/<sha256>` when the original is in the package. */
  file: string | null;
}

export interface PackageAcquisition {
  id: number;
  case: number;
  kind: string;
  operator: string;
  host: string;
  tool: string;
  options: unknown;
  roots: string[];
  startedAt: string;
  finishedAt: string | null;
  status: string;
  manifestSha256: string | null;
  ledgerSeq: number;
}

export interface PackageDerivative {
  sha256: string;
  sourceSha256: string;
  kind: string;
  tool: string;
  recipe: unknown;
  size: number;
  ledgerSeq: number;
  file: string;
}

export interface PackageCheckpoint {
  /** The signed note, e.g. `ledger/checkpoints/000123.txt`. */
  file: string;
  treeSize: number;
  /** RFC 9162 consistency proof (hex hashes) from this checkpoint to the final one. */
  consistencyProof: string[];
}

export interface PackageTimestamp {
  /** An RFC 3161 TimeStampResp (DER), e.g. `timestamps/000123-1.tsr`. */
  file: string;
  /** The checkpoint file whose exact bytes were timestamped. */
  checkpoint: string;
  tsa: string;
  genTime: string;
}

/** An evidence segment of the exported incident: a time range of one item, and the entry that added it. */
export interface PackageIncidentSegment {
  item: number;
  startSec: number;
  endSec: number;
  /** Leaf index of its `incident-evidence-added` ledger entry. */
  ledgerSeq: number;
}

/**
 * The incident a package was exported for (`--incident`): what identifies it and its current
 * evidence segments. No persons and no description: free text may name protected people.
 */
export interface PackageIncident {
  id: number;
  case: number;
  title: string;
  status: string;
  occurredFrom: string | null;
  occurredTo: string | null;
  timeSource: string;
  place: string | null;
  version: number;
  segments: PackageIncidentSegment[];
}

export interface PackageManifest {
  format: typeof PACKAGE_FORMAT;
  createdAt: string;
  createdBy: { operator: string; host: string; tool: string };
  scope: { kind: 'case' | 'items' | 'incident'; value: string };
  withOriginals: boolean;
  instance: { id: string; origin: string; verifierKey: string; publicKeyHex: string };
  cases: { id: number; name: string }[];
  items: PackageItem[];
  acquisitions: PackageAcquisition[];
  derivatives: PackageDerivative[];
  /** Only in a package exported with `--incident`. */
  incident?: PackageIncident;
  ledger: {
    checkpoint: string;
    verifierKey: string;
    entries: string;
    proofs: string;
    treeSize: number;
    rootHashHex: string;
    entryCount: number;
    earlierCheckpoints: PackageCheckpoint[];
    timestamps: PackageTimestamp[];
    tsaCaFile: string | null;
    /**
     * Files each proving one entry whose text is withheld (it names staff): its leaf hash and RFC 9162
     * inclusion proof against the final checkpoint, as {@link LeafProof}. A shipped entry whose
     * `details.render` names `{ seq, leafHashHex }` must name a leaf proven here.
     */
    leafProofs?: string[];
  };
  /** Every file of the package except manifest.json and SHA256SUMS. */
  files: PackageFile[];
}

/** A leaf-only inclusion proof file (e.g. a public site's `render-entry.json`). */
export interface LeafProof {
  seq: number;
  leafHashHex: string;
  treeSize: number;
  rootHashHex: string;
  inclusionProof: string[];
}

/** Thrown when manifest.json does not have the expected shape. */
export class ManifestError extends Error {
  constructor(message: string, file = 'manifest.json') {
    super(`${file}: ${message}`);
    this.name = 'ManifestError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

type Check = (v: unknown, at: string) => void;
const fail = (at: string, what: string): never => {
  throw new ManifestError(`${at} ${what}`);
};
const str: Check = (v, at) => void (typeof v === 'string' || fail(at, 'must be a string'));
const int: Check = (v, at) => void ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || fail(at, 'must be a non-negative integer'));
const sha: Check = (v, at) => void ((typeof v === 'string' && HEX64.test(v)) || fail(at, 'must be a lowercase hex SHA-256'));
const nullable = (c: Check): Check => (v, at) => (v === null ? undefined : c(v, at));
const arr = (c: Check): Check => (v, at) => {
  if (!Array.isArray(v)) fail(at, 'must be an array');
  (v as unknown[]).forEach((x, i) => c(x, `${at}[${i}]`));
};
/** A relative path inside the package that cannot escape it. */
const rel: Check = (v, at) => {
  str(v, at);
  const p = v as string;
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    fail(at, `is not a safe relative path: ${JSON.stringify(p)}`);
  }
};
const obj = (shape: Record<string, Check>, optional: string[] = []): Check => (v, at) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, 'must be an object');
  const o = v as Record<string, unknown>;
  for (const [k, c] of Object.entries(shape)) {
    if (!(k in o)) {
      if (optional.includes(k)) continue;
      fail(`${at}.${k}`, 'is missing');
    }
    c(o[k], `${at}.${k}`);
  }
};
const any: Check = () => undefined;
const seconds: Check = (v, at) => void ((typeof v === 'number' && Number.isFinite(v) && v >= 0) || fail(at, 'must be a non-negative number of seconds'));

const manifestShape = obj({
  format: (v, at) => void (v === PACKAGE_FORMAT || fail(at, `must be "${PACKAGE_FORMAT}" (this verifier reads only that format)`)),
  createdAt: str,
  createdBy: obj({ operator: str, host: str, tool: str }),
  scope: obj({ kind: str, value: str }),
  withOriginals: (v, at) => void (typeof v === 'boolean' || fail(at, 'must be true or false')),
  instance: obj({ id: str, origin: str, verifierKey: str, publicKeyHex: str }),
  cases: arr(obj({ id: int, name: str })),
  items: arr(
    obj(
      {
        id: int, case: int, path: str, rawPathHex: str, pathEncoding: str, size: nullable(int), mtime: nullable(str),
        sha256: nullable(sha), kind: str, format: str, status: str, reason: nullable(str), acquisition: int,
        parent: nullable(int), ledgerSeq: int, file: nullable(rel),
      },
      ['rawPathHex'],
    ),
  ),
  acquisitions: arr(
    obj({
      id: int, case: int, kind: str, operator: str, host: str, tool: str, options: any, roots: arr(str), startedAt: str,
      finishedAt: nullable(str), status: str, manifestSha256: nullable(sha), ledgerSeq: int,
    }),
  ),
  derivatives: arr(obj({ sha256: sha, sourceSha256: sha, kind: str, tool: str, recipe: any, size: int, ledgerSeq: int, file: rel })),
  incident: obj({
    id: int, case: int, title: str, status: str, occurredFrom: nullable(str), occurredTo: nullable(str), timeSource: str, place: nullable(str), version: int,
    segments: arr(obj({ item: int, startSec: seconds, endSec: seconds, ledgerSeq: int })),
  }),
  ledger: obj({
    checkpoint: rel, verifierKey: rel, entries: rel, proofs: rel, treeSize: int, rootHashHex: sha, entryCount: int,
    earlierCheckpoints: arr(obj({ file: rel, treeSize: int, consistencyProof: arr(sha) })),
    timestamps: arr(obj({ file: rel, checkpoint: rel, tsa: str, genTime: str })),
    tsaCaFile: nullable(rel),
    leafProofs: arr(rel),
  }, ['leafProofs']),
  files: arr(obj({ path: rel, sha256: sha, size: int })),
}, ['incident']);

/**
 * Parses and checks manifest.json. Throws {@link ManifestError} naming the first bad field.
 *
 * @example
 * const manifest = parseManifest(readFileSync('package/manifest.json', 'utf8'));
 * manifest.items.length // => 12
 */
export function parseManifest(text: string): PackageManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`is not valid JSON (${(e as Error).message})`);
  }
  manifestShape(value, '$');
  return value as PackageManifest;
}

/**
 * Parses a leaf-only proof file. Throws {@link ManifestError} naming the file and the bad field.
 *
 * @example
 * parseLeafProof('{"seq":7,"leafHashHex":"…","treeSize":9,"rootHashHex":"…","inclusionProof":["…"]}', 'render-entry.json').seq // => 7
 */
export function parseLeafProof(text: string, file: string): LeafProof {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`is not valid JSON (${(e as Error).message})`, file);
  }
  try {
    obj({ seq: int, leafHashHex: sha, treeSize: int, rootHashHex: sha, inclusionProof: arr(sha) })(value, '$');
  } catch (e) {
    throw new ManifestError((e as Error).message.replace(/^manifest\.json: /, ''), file);
  }
  return value as LeafProof;
}

/** One line of a proofs file: the inclusion proof of the entry on the same line of entries.jsonl. */
export interface ProofLine {
  seq: number;
  leafHashHex: string;
  proof: string[];
}

/**
 * Parses one line of ledger/proofs.jsonl.
 *
 * @example
 * parseProofLine('{"leafHashHex":"…","proof":["…"],"seq":7}') // => { seq: 7, leafHashHex: '…', proof: ['…'] }
 */
export function parseProofLine(line: string): ProofLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new ManifestError(`not valid JSON (${(e as Error).message})`, 'proof');
  }
  try {
    obj({ seq: int, leafHashHex: sha, proof: arr(sha) })(value, '$');
  } catch (e) {
    throw new ManifestError((e as Error).message.replace(/^manifest\.json: /, ''), 'proof');
  }
  return value as ProofLine;
}

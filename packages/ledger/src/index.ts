// @custodia/ledger — the custody ledger's cryptography.
//
//   entry.ts          ledger entries and their canonical JSON bytes
//   merkle.ts         RFC 6962 / RFC 9162 hashing, compact range, in-memory tree and proofs
//   merkle-verify.ts  RFC 9162 inclusion and consistency proof verification
//   note.ts           C2SP signed notes (Ed25519), the golang.org/x/mod/sumdb/note format
//   checkpoint.ts     C2SP tlog checkpoints (signed tree heads)
//   der.ts            minimal DER reader/writer
//   rfc3161.ts        RFC 3161 trusted timestamps
//
// Test helpers (a local OpenSSL TSA) live in the separate entry point '@custodia/ledger/testing'.

export {
  CanonicalJsonError, LedgerFormatError, canonicalJson, decodeEntry, encodeEntry, validateEntry, type LedgerEntry,
} from './entry.js';
export { CompactRange, HASH_SIZE, MerkleTree, emptyRoot, leafHash, nodeHash } from './merkle.js';
export { verifyConsistency, verifyInclusion } from './merkle-verify.js';
export {
  ED25519_SIGNATURE_TYPE, NoteFormatError, NoteVerificationError, computeKeyId, decodeBase64Strict, formatVerifierKey,
  generateInstanceKey, isValidKeyName, openNote, parseSignerKey, parseVerifierKey, signNote,
  type InstanceKey, type NoteSignature, type NoteSigner, type OpenedNote, type VerifierKey,
} from './note.js';
export {
  CheckpointFormatError, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint,
} from './checkpoint.js';
export {
  DerError, Tag, children, contextTag, decodeDer, encodeBoolean, encodeElement, encodeExplicit, encodeGeneralizedTime,
  encodeInteger, encodeNull, encodeOctetString, encodeOid, encodeSequence, encodeSet, expectTag, readBitString, readBoolean,
  readElement, readGeneralizedTime, readInteger, readOctetString, readOid, readString, type DerElement,
} from './der.js';
export {
  OID_SHA256, PKI_STATUS_NAMES, TimestampError, buildTimestampRequest, checkTimestampImprint, parseTimestampResponse,
  parseTimestampToken, requestTimestamp, verifyTimestampWithOpenssl,
  type OpensslVerifyOptions, type RequestTimestampOptions, type TimestampInfo, type TimestampInput,
  type TimestampRequestOptions, type TimestampResponse,
} from './rfc3161.js';

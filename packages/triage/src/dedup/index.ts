// Perceptual video fingerprints and near-duplicate search: re-encoded, resized and trimmed copies of
// one recording, with the offset of each trimmed copy. See README.md in this folder.
import { ACTIVITY_WINDOW_SEC, MOTION_LAG_SEC, MOVING_BITS, MOVING_BITS_MIN } from './prepared.js';
import {
  DEFAULT_MAX_HAMMING, DEFAULT_MIN_MOVING_SEC, DEFAULT_MIN_OVERLAP_SEC, DENSITY_FROM, DENSITY_TO, EXHAUSTIVE_LIMIT,
  RAMP_FROM_SEC, RAMP_TO_SEC, UNEXPLAINED_RELAXED, UNEXPLAINED_STRICT, VOTE_RADIUS,
} from './match.js';

export { BLANK_HASH, dhash32, hammingHex, hashFrame, hashToHex, hexToHash, phash32, type HashAlgorithm } from './frame-hash.js';
export {
  DEFAULT_FINGERPRINT_FPS, fingerprintArgs, fingerprintFilter, fingerprintFromFrames, fingerprintVideo,
  type FingerprintOptions, type VideoFingerprint,
} from './fingerprint.js';
export { prepareFingerprint, type PreparedFingerprint } from './prepared.js';
export { fingerprintKeys } from './fingerprint-keys.js';
export {
  classifyOverlap, matchAtOffsets, matchFingerprints, maxUnexplainedFor,
  type FingerprintMatch, type MatchKind, type MatchOptions, type MismatchReason,
} from './match.js';
export {
  NearDuplicateIndex,
  type NearDuplicateGroup, type NearDuplicateHit, type NearDuplicateIndexOptions, type NearDuplicateIndexStats, type NearDuplicatePair,
} from './near-duplicate-index.js';
export {
  cameraKey, CLOCK_CONFIRM_MAX_HAMMING, clockContradicts, confirmAtClockOffset, OverlayClockIndex,
  type ClockCandidate, type ClockConfirmation, type OverlayClock,
} from './clock-match.js';

/** The thresholds matching uses (measured on the clips described in README.md). */
export const DEDUP_THRESHOLDS = Object.freeze({
  /** A frame "moves" when its hash is this many bits from its background and from its neighbours 1 s away… */
  movingBits: MOVING_BITS,
  /** …or fewer on a clean static camera (4 + 2 × the recording's median activity, at least this). */
  movingBitsMin: MOVING_BITS_MIN,
  activityWindowSec: ACTIVITY_WINDOW_SEC,
  motionLagSec: MOTION_LAG_SEC,
  /** Share of the movement a copy may leave unexplained: strict with little movement… */
  unexplainedStrict: UNEXPLAINED_STRICT,
  /** …relaxed with ≥ rampToSec of movement that fills ≥ densityTo of the overlap. */
  unexplainedRelaxed: UNEXPLAINED_RELAXED,
  rampFromSec: RAMP_FROM_SEC,
  rampToSec: RAMP_TO_SEC,
  densityFrom: DENSITY_FROM,
  densityTo: DENSITY_TO,
  maxHamming: DEFAULT_MAX_HAMMING,
  minOverlapSec: DEFAULT_MIN_OVERLAP_SEC,
  minMovingSec: DEFAULT_MIN_MOVING_SEC,
  voteRadius: VOTE_RADIUS,
  exhaustiveLimit: EXHAUSTIVE_LIMIT,
});

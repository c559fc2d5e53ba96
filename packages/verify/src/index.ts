// @custodia/verify — the offline verifier of court packages. Depends only on @custodia/ledger
// (which depends on nothing), so scripts/build-verifier.mjs can bundle it into one file.
export { verifyPackage, type ItemVerdict, type PackageVerification, type Problem, type VerifyOptions } from './package-verify.js';
export {
  ManifestError, PACKAGE_FORMAT, parseLeafProof, parseManifest, type LeafProof,
  type PackageAcquisition, type PackageCheckpoint, type PackageDerivative, type PackageFile, type PackageIncident, type PackageIncidentSegment, type PackageItem, type PackageManifest, type PackageTimestamp,
} from './package-format.js';
export { hashFile, parseSums } from './package-files.js';
export { main } from './verify.cli.js';

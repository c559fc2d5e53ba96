// Shapes of the workspace API as the browser sees them (docs/api.md is the contract). The server
// validates them with zod; here they are only types, and the screens tolerate absent optional fields.
/** Ids are integers on the server; the interface only passes them around. */
export type Id = number | string;
export type Role = 'admin' | 'coordinator' | 'analyst' | 'reviewer' | 'observer';
export type Grant = 'protected-identities' | 'source-identity';
export const ROLES: Role[] = ['admin', 'coordinator', 'analyst', 'reviewer', 'observer'];
export const GRANTS: Grant[] = ['protected-identities', 'source-identity'];

export interface UserSettings {
  revealMedia: boolean;
  locale: 'en' | 'ru';
}
export interface User {
  id: Id;
  username: string;
  displayName: string;
  isAdmin: boolean;
  totpEnabled?: boolean;
  disabled?: boolean;
  settings?: Partial<UserSettings>;
}
export interface SessionInfo {
  user: User;
  csrfToken: string;
  totpEnrolmentRequired?: boolean;
  restricted?: boolean;
}
export interface CaseSummary {
  id: Id;
  name: string;
  role?: Role | null;
  itemCount?: number;
  createdAt?: string;
}
export interface Dashboard {
  case: CaseSummary;
  counts?: { byKind?: Record<string, number>; byStatus?: Record<string, number>; items?: number } & Record<string, unknown>;
  processing?: { done: number; pending: number; running?: number; failed: number; failures?: { itemId: Id | null; step: string; error: string | null; path?: string | null }[] };
  /** `clock: overlay`: `t` is an hour of overlay time (ISO); `position`: an hour into the file (`PT2H`). */
  activityByCamera?: { camera: string; clock?: 'overlay' | 'position'; hours: { t: string; score: number }[] }[];
}
export interface Member {
  userId: Id;
  username?: string;
  displayName?: string;
  role: Role;
  grants: Grant[];
}
export interface ItemQuery {
  q?: string;
  kind?: string;
  status?: string;
  camera?: string;
  facility?: string;
  from?: string;
  to?: string;
  hasActivity?: string;
  duplicateGroup?: string;
  tag?: string;
  review?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
}
export interface ItemRow {
  id: Id;
  path: string;
  kind: string;
  status: string;
  sha256: string | null;
  size: number | null;
  durationSec?: number | null;
  posterSha256?: string | null;
  proxySha256?: string | null;
  camera?: string | null;
  overlayStart?: string | null;
  activitySeconds?: number | null;
  duplicateGroup?: string | null;
  tags?: Id[];
  reviewState?: string | null;
}
export interface ItemList {
  items: ItemRow[];
  facets: Record<string, Record<string, number>>;
  total: number;
  /** Counts estimated from a sample (a search matching very many items). */
  estimated?: boolean;
  nextCursor?: string | null;
}
export interface Segment {
  startSec: number;
  endSec: number;
  score?: number;
}
export interface CustodyEntry {
  seq: number;
  time: string;
  actor: string;
  action: string;
  details?: unknown;
  proof: 'included' | 'pending' | string;
}
export interface ProbeFacts {
  container?: string | null;
  formatLongName?: string | null;
  durationSec?: number | null;
  bitRate?: number | null;
  video?: ({ codec?: string; width?: number; height?: number; fps?: number | null; frameRate?: number | null } & Record<string, unknown>) | null;
  audio?: Record<string, unknown> | null;
  tags?: Record<string, unknown>;
}
export interface ItemDetail {
  item: {
    id: Id;
    caseId?: Id;
    sha256: string | null;
    md5?: string;
    sha1?: string;
    hashes?: Record<string, string>;
    paths?: string[];
    path?: string;
    format?: string;
    parent?: { id: Id; path: string } | null;
    size: number | null;
    mtime?: string | null;
    acquisition?: unknown;
    kind: string;
    status: string;
    reason?: string | null;
  };
  acquisition?: Record<string, unknown> | null;
  probe?: { status?: string; failureMessage?: string | null; tool?: string; facts?: ProbeFacts | null } | null;
  steps?: { step: string; state: string; attempts: number; error: string | null }[];
  derivatives: { kind: string; sha256: string }[];
  activity?: { curve?: number[] | { t: number; score: number }[]; curveStepSec?: number; segments?: Segment[] } | null;
  duplicates?: { id: Id; path: string }[];
  overlay?: ItemOverlay | null;
  faces?: ItemFaces | null;
  duplicateGroup?: DuplicateGroup | null;
  annotations?: Annotation[];
  custody?: CustodyEntry[];
}
export interface OverlayFlag {
  kind: 'clock-jump' | 'metadata-mismatch' | 'unreadable' | string;
  [k: string]: unknown;
}
export interface ItemOverlay {
  startTime: string | null;
  cameraLabel: string | null;
  camera: string | null;
  confidence: number;
  flags: OverlayFlag[];
  readings: { atSec: number; kind: string; text: string; time: string | null; confidence: number }[];
  readingsTotal?: number;
}
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}
export interface ItemFaces {
  runs: { sha256: string; model: string; sampleFps: number; frames: number; framesWithFaces: number; maxFaces: number; boxes: number }[];
  samples: { tSec: number; boxes: FaceBox[] }[];
  truncated?: boolean;
}
export interface DuplicateGroup {
  id: string;
  referenceSha256: string;
  members: { sha256: string; kind: string; offsetSec: number; durationSec: number; similarity: number; self: boolean; items: { id: Id; path: string }[] }[];
}
/** When a moment of a recording happened: by the overlay clock when read, else the file's creation time, else unknown. */
export interface ItemTime {
  time: string | null;
  source: 'overlay' | 'metadata' | null;
}
export interface Term {
  id: Id;
  kind: 'ill-treatment' | 'facility-type';
  key: string;
  labels: { en: string; ru: string };
  parentId?: Id | null;
  builtIn?: boolean;
  /** Retired: kept on what it tags, offered no more for new tags. */
  archived?: boolean;
}
export interface AnnotationInput {
  startSec: number;
  endSec: number;
  termIds: Id[];
  personIds: Id[];
  incidentId?: Id | null;
  note: string;
}
export interface Annotation extends AnnotationInput {
  id: Id;
  itemId: Id;
  createdBy?: Id;
  createdByName?: string;
  createdAt?: string;
  version?: number;
}
export type ReviewState = 'unreviewed' | 'in-review' | 'verified' | 'disputed';
export interface ChecklistPart {
  done: boolean;
  note?: string;
}
export interface IncidentInput {
  title: string;
  facilityId?: Id | null;
  cameraId?: Id | null;
  place?: string | null;
  occurredFrom?: string | null;
  occurredTo?: string | null;
  timeSource: 'overlay' | 'metadata' | 'manual';
  victimIds: Id[];
  perpetratorIds: Id[];
  termIds: Id[];
  description: string;
}
export interface Incident extends IncidentInput {
  id: Id;
  caseId: Id;
  status: ReviewState;
  createdBy?: string;
  createdByName?: string;
  submittedBy?: string | null;
  submittedByName?: string | null;
  reviewedBy?: Id | null;
  reviewedByName?: string | null;
  version?: number;
  confidence?: 'low' | 'medium' | 'high' | null;
  checklist?: Record<'source' | 'technical' | 'content', ChecklistPart | boolean> | null;
  segments?: { id?: Id; itemId: Id; startSec: number; endSec: number; annotationId?: Id | null }[];
  reviews?: { action: string; reviewer?: string; toStatus?: string; checklist?: Record<'source' | 'technical' | 'content', ChecklistPart> | null; actor?: string; createdAt?: string; time?: string; confidence?: string | null; note?: string }[];
  allowedActions?: string[];
  canEdit?: boolean;
  createdAt?: string;
}
export interface ReviewInput {
  version?: number;
  action: 'submit' | 'verify' | 'dispute' | 'reopen';
  checklist?: Record<'source' | 'technical' | 'content', ChecklistPart>;
  confidence?: 'low' | 'medium' | 'high';
  note?: string;
}
export interface Facility {
  id: Id;
  kind: 'region' | 'facility' | 'unit' | 'camera';
  name: string;
  parentId?: Id | null;
  facilityTypeTermId?: Id | null;
  overlayLabel?: string | null;
}
export interface PersonInput {
  role: 'victim' | 'perpetrator' | 'official' | 'witness' | 'other';
  pseudonym: string;
  protected?: { realName?: string | null; birthDate?: string | null; notes?: string | null };
  positions?: { facilityId: Id | null; title: string; from?: string | null; to?: string | null; unit?: string | null; rank?: string | null }[];
  /** The case's source: only members with the source-identity grant ever see such a person. */
  isSource?: boolean;
}
export interface Person extends PersonInput {
  id: Id;
  caseId: Id;
  version?: number;
}
export interface LedgerEntry {
  seq: number;
  time: string;
  actor: string;
  action: string;
  subjects?: string[];
  details?: unknown;
}
export interface SavedView {
  id: Id;
  name: string;
  query: ItemQuery;
}

// The accountability tracker (ADR 0019).
export const PROCEEDING_TYPES = [
  'criminal-case', 'disciplinary-measure', 'dismissal', 'prosecutor-inquiry', 'court-hearing',
  'arrest-in-absentia', 'wanted-list-entry', 'asylum-application', 'charge', 'case-dismissed', 'other',
] as const;
export type ProceedingType = (typeof PROCEEDING_TYPES)[number];
export const EVENT_STATUSES = ['opened', 'announced', 'in-progress', 'in-court', 'convicted', 'acquitted', 'closed', 'dismissed', 'granted', 'refused', 'other'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export type Outcome =
  | 'dismissed' | 'disciplined' | 'criminal-opened' | 'criminal-in-court' | 'criminal-convicted' | 'criminal-acquitted' | 'criminal-closed'
  | 'prosecutor-inquiry' | 'court-hearing' | 'charge' | 'arrest-in-absentia' | 'wanted-list-entry' | 'asylum-application' | 'case-dismissed' | 'other';
export type Confidence = 'low' | 'medium' | 'high';
export interface ProceedingInput {
  type: ProceedingType;
  title: string;
  subjectIds?: number[];
  unnamedSubjects?: number;
  authority?: string | null;
  legalArticle?: string | null;
  facilityId?: number | null;
  sourceExposure?: boolean;
}
export interface Proceeding extends Required<ProceedingInput> {
  id: number;
  caseId: number;
  version: number;
  latestStatus: EventStatus | null;
  latestOn: string | null;
  outcome: Outcome;
}
export interface Claim {
  id: number;
  sourceId: number;
  quote: string;
  confidence: Confidence;
  eventId: number | null;
  personId: number | null;
  /** For a claim about a position: the position as it read when claimed. */
  position?: { title: string; from: string | null; to: string | null; facilityId: Id | null } | null;
}
export interface ProceedingEvent {
  id: number;
  on: string | null;
  status: EventStatus;
  summary: string;
  version: number;
  claims: Claim[];
}
export interface SourceInput {
  kind: 'web-page' | 'document' | 'video';
  title: string;
  publisher?: string | null;
  url?: string | null;
  publishedOn?: string | null;
  retrievedAt?: string | null;
  itemId?: number | null;
}
export interface Source extends Required<SourceInput> {
  id: number;
  sha256: string | null;
  version: number;
}
export interface ProceedingLink {
  id: number;
  incidentId: number | null;
  incidentTitle: string | null;
  itemId: number | null;
  startSec: number | null;
  endSec: number | null;
}
export interface ProceedingDetail {
  proceeding: Proceeding;
  events: ProceedingEvent[];
  sources: Source[];
  links: ProceedingLink[];
  canEdit: boolean;
}
export interface ProceedingQuery {
  type?: ProceedingType | '';
  status?: EventStatus | '';
  personId?: string;
  facilityId?: string;
  q?: string;
}
export interface AccountabilityDashboard {
  label: string | null;
  counts: { outcome: Outcome; proceedings: number; namedSubjects: number; unnamedSubjects: number }[];
  timeline: { on: string | null; status: EventStatus; summary: string; eventId: number; proceedingId: number; proceedingTitle: string; outcome: Outcome }[];
  incidents: { outcome: Outcome; incidents: { id: number; title: string }[] }[];
}
/** Redaction recipe (custodia-redaction/1): boxes are fractions of the frame, times are seconds of the source. */
export interface RedactionKeyframe {
  t: number;
  x: number;
  y: number;
  w: number;
  h: number;
}
export type RedactionEffect = 'blur' | 'pixelate' | 'fill';
export interface RedactionBox {
  id: string;
  label: string;
  effect: RedactionEffect;
  colour: string;
  keyframes: RedactionKeyframe[];
}
export interface RedactionRecipe {
  format: 'custodia-redaction/1';
  boxes: RedactionBox[];
  audio: { mute: { start: number; end: number }[]; bleep: boolean };
  clip: { start: number; end: number } | null;
  keepOverlay: boolean;
}
export type RedactionStatus = 'draft' | 'rendering' | 'rendered' | 'approved' | 'rejected' | 'failed';
export interface Redaction {
  id: Id;
  caseId: Id;
  itemId: Id;
  sourceSha256: string;
  title: string;
  recipe: RedactionRecipe;
  recipeSha256: string;
  version: number;
  status: RedactionStatus;
  failure: string | null;
  outputSha256: string | null;
  outputFacts: Record<string, unknown> | null;
  renderLedgerSeq: number | null;
  createdBy: string;
  renderedBy: string | null;
  renderedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  createdAt: string;
  updatedAt: string;
  can: { edit: boolean; render: boolean; review: boolean };
}
export interface RedactionSuggestions {
  boxes: RedactionBox[];
  detections: number;
  sampleFps: number | null;
  overlayRegions: { x: number; y: number; w: number; h: number }[];
}
// Source intake (staff inbox). Submission ids are pseudonymous; message bodies arrive as age ciphertext.
export interface IntakeChannel {
  name: string;
  title: string;
  recipients: { label: string; recipient: string }[];
}
export interface IntakeIdentity {
  recipient: string;
  /** Armored age file encrypted to the user's passphrase; opened only in the browser. */
  protectedIdentity: string;
  createdAt: string;
  updatedAt: string;
}
export interface IntakeOverview {
  connected: boolean;
  portalUrl: string | null;
  channels: IntakeChannel[];
  identity: IntakeIdentity | null;
  error: string | null;
}
export interface IntakeBatch {
  id: string;
  createdAt: string;
  sealedAt: string | null;
  importedAt: string | null;
  purgedAt: string | null;
  state: 'uploading' | 'ready' | 'imported' | 'purged';
  files: number;
  encryptedBytes: number;
}
export interface IntakeSubmission {
  id: string;
  channel: string;
  via: 'portal' | 'form';
  createdAt: string;
  sourceRecipient: string;
  recipients: string[];
  messages: number;
  files: number;
  encryptedBytes: number;
  importStatus: 'nothing-sealed' | 'waiting' | 'importing' | 'imported' | 'partly-imported';
  batches: IntakeBatch[];
}
export interface IntakeMessage {
  id: number;
  author: 'source' | 'staff';
  createdAt: string;
  ciphertext: string;
}
export interface IntakeImportResult {
  submissionId: string;
  files: number;
  bytes: number;
  markedImported: boolean;
  batches: { batchId: string; acquisitionId: number; already: boolean; files: number; bytes: number; markedImported: boolean }[];
  problems: { batchId: string; path: string; reason: string }[];
}
export interface IntakeImportJob {
  id: string;
  submissionId: string;
  caseId: number;
  caseName: string;
  actor: string;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  progress: { batches: number; files: number; bytes: number; plannedFiles: number; plannedBytes: number };
  result: IntakeImportResult | null;
  error: string | null;
}
/** An incident's publication mark: public text written for publication, and the approved redactions published with it. */
export interface Publication {
  incidentId: Id;
  caseId: Id;
  title: string;
  summary: string;
  redactionIds: number[];
  markedBy: string;
  markedAt: string;
  version: number;
}
export interface PublishableRedaction {
  id: number;
  itemId: number;
  title: string;
  sourceSha256: string;
  outputSha256: string;
  recipeSha256: string;
  reviewedAt: string | null;
}
export interface PublicationDetail {
  publication: Publication | null;
  publishable: PublishableRedaction[];
  canMark: boolean;
  reason: 'role' | 'not-verified' | null;
}
export interface PublicationInput {
  title: string;
  summary: string;
  redactionIds: number[];
  version?: number;
}
export interface SiteBuild {
  id: number;
  incidents: number;
  videos: number;
  builtBy: string;
  builtAt: string;
  ledgerSeq: number;
  zipBytes: number | null;
  download: string;
}

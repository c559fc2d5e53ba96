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
  members: { sha256: string; kind: string; offsetSec: number; durationSec: number; similarity: number; evidence?: 'fingerprint' | 'clock'; self: boolean; items: { id: Id; path: string }[] }[];
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
  /** Hidden from the pickers of new documentation (with the nodes under it); still named where cited. */
  archived?: boolean;
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

// The shapes of the later capabilities, each in its own file.
export * from './api/accountability.types.js';
export * from './api/redaction.types.js';
export * from './api/intake.types.js';
export * from './api/publication.types.js';

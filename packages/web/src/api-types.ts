// Shapes of the workspace API as the browser sees them (docs/api.md is the contract). The server
// validates them with zod; here they are only types, and the screens tolerate absent optional fields.
export type Role = 'admin' | 'coordinator' | 'analyst' | 'reviewer' | 'observer';
export type Grant = 'protected-identities' | 'source-identity';
export const ROLES: Role[] = ['admin', 'coordinator', 'analyst', 'reviewer', 'observer'];
export const GRANTS: Grant[] = ['protected-identities', 'source-identity'];

export interface UserSettings {
  revealMedia: boolean;
  locale: 'en' | 'ru';
}
export interface User {
  id: string;
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
  id: string;
  name: string;
  role?: Role | null;
  itemCount?: number;
  createdAt?: string;
}
export interface Dashboard {
  case: CaseSummary;
  counts?: { byKind?: Record<string, number>; byStatus?: Record<string, number>; items?: number } & Record<string, unknown>;
  processing?: { done: number; pending: number; failed: number; failures?: { itemId: string; step: string; error: string; path?: string }[] };
  activityByCamera?: { camera: string; hours: { t: string; score: number }[] }[];
}
export interface Member {
  userId: string;
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
  id: string;
  path: string;
  kind: string;
  status: string;
  sha256: string;
  size: number;
  durationSec?: number | null;
  posterSha256?: string | null;
  camera?: string | null;
  overlayStart?: string | null;
  activitySeconds?: number | null;
  duplicateGroup?: string | null;
  tags?: string[];
  reviewState?: string | null;
}
export interface ItemList {
  items: ItemRow[];
  facets: Record<string, Record<string, number>>;
  total: number;
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
export interface ItemDetail {
  item: {
    id: string;
    caseId?: string;
    sha256: string;
    md5?: string;
    sha1?: string;
    hashes?: Record<string, string>;
    paths?: string[];
    path?: string;
    size: number;
    mtime?: string | null;
    acquisition?: unknown;
    kind: string;
    status: string;
    reason?: string | null;
  };
  probe?: { durationSec?: number; width?: number; height?: number; codec?: string; fps?: number } & Record<string, unknown>;
  derivatives: { kind: string; sha256: string }[];
  activity?: { curve?: number[] | { t: number; score: number }[]; curveStepSec?: number; segments?: Segment[] } | null;
  duplicates?: { itemId: string; path?: string; relation?: string; sha256?: string }[];
  overlay?: { start?: string | null; camera?: string | null } & Record<string, unknown>;
  faces?: unknown;
  annotations?: Annotation[];
  custody?: CustodyEntry[];
}
export interface Term {
  id: string;
  kind: 'ill-treatment' | 'facility-type';
  key: string;
  labels: { en: string; ru: string };
  parentId?: string | null;
}
export interface AnnotationInput {
  startSec: number;
  endSec: number;
  termIds: string[];
  personIds: string[];
  incidentId?: string | null;
  note: string;
}
export interface Annotation extends AnnotationInput {
  id: string;
  itemId: string;
  createdBy?: string;
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
  facilityId?: string | null;
  cameraId?: string | null;
  place?: string | null;
  occurredFrom?: string | null;
  occurredTo?: string | null;
  timeSource: 'overlay' | 'metadata' | 'manual';
  victimIds: string[];
  perpetratorIds: string[];
  termIds: string[];
  description: string;
}
export interface Incident extends IncidentInput {
  id: string;
  caseId: string;
  status: ReviewState;
  createdBy?: string;
  submittedBy?: string | null;
  reviewedBy?: string | null;
  confidence?: 'low' | 'medium' | 'high' | null;
  checklist?: Record<'source' | 'technical' | 'content', ChecklistPart | boolean> | null;
  segments?: { itemId: string; startSec: number; endSec: number; annotationId?: string | null }[];
  reviews?: { action: string; actor: string; time: string; confidence?: string; note?: string }[];
  allowedActions?: string[];
  createdAt?: string;
}
export interface ReviewInput {
  action: 'submit' | 'verify' | 'dispute' | 'reopen';
  checklist?: Record<'source' | 'technical' | 'content', ChecklistPart>;
  confidence?: 'low' | 'medium' | 'high';
  note?: string;
}
export interface Facility {
  id: string;
  kind: 'region' | 'facility' | 'unit' | 'camera';
  name: string;
  parentId?: string | null;
  facilityTypeTermId?: string | null;
}
export interface PersonInput {
  role: 'victim' | 'perpetrator' | 'official' | 'witness' | 'other';
  pseudonym: string;
  protected?: { realName?: string; birthDate?: string; notes?: string };
  positions?: { facilityId: string; title: string; from?: string | null; to?: string | null }[];
}
export interface Person extends PersonInput {
  id: string;
  caseId: string;
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
  id: string;
  name: string;
  query: ItemQuery;
}

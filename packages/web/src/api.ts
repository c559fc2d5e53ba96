// The one door to the server. Cookies carry the session (HttpOnly, never readable here); the CSRF
// token lives only in memory and goes on every non-GET request. Nothing is put in localStorage.
import type * as T from './api-types.js';
type Id = T.Id;

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }
}

async function request<R>(method: string, path: string, body?: unknown): Promise<R> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as R;
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, 'invalid', `${method} ${path}: not JSON (${res.status})`);
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; where?: string } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? String(res.status), e?.message ?? res.statusText, e?.where);
  }
  return json as R;
}

const qs = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};

export const blobUrl = (sha256: string): string => `/api/blobs/${sha256}`;
export const capturedCopyUrl = (sourceId: Id, download = false): string => `/api/sources/${sourceId}/captured-copy${download ? '?download=1' : ''}`;
export const accountabilityExportUrl = (caseId: Id, format: 'csv' | 'json', facilityId?: string): string =>
  `/api/cases/${caseId}/accountability/export${qs({ format, facilityId })}`;
/** The rendered output of a redaction (its sha256 busts the browser cache when a new version is rendered). */
export const redactionOutputUrl = (id: Id, sha256: string): string => `/api/redactions/${id}/output?v=${sha256.slice(0, 12)}`;

export const api = {
  setupNeeded: () => request<{ needed: boolean }>('GET', '/api/setup'),
  setup: (b: { setupCode: string; username: string; displayName: string; password: string }) =>
    request<T.SessionInfo>('POST', '/api/setup', b),
  session: () => request<T.SessionInfo>('GET', '/api/session'),
  signIn: (b: { username: string; password: string; totp?: string }) => request<T.SessionInfo>('POST', '/api/session', b),
  signOut: () => request<void>('DELETE', '/api/session'),
  resetPassword: (b: { username: string; code: string; password: string }) => request<unknown>('POST', '/api/password-reset', b),
  revokeAll: () => request<void>('POST', '/api/session/revoke-all', {}),
  totpEnrol: () => request<{ secret: string; otpauthUrl: string }>('POST', '/api/me/totp/enrol', {}),
  totpConfirm: (code: string) => request<unknown>('POST', '/api/me/totp/confirm', { code }),
  settings: (b: Partial<T.UserSettings>) => request<unknown>('PATCH', '/api/me/settings', b),
  password: (b: { current: string; next: string }) => request<unknown>('PATCH', '/api/me/password', b),

  users: () => request<T.User[] | { users: T.User[] }>('GET', '/api/users').then(unwrap<T.User>('users')),
  createUser: (b: { username: string; displayName: string; password: string; isAdmin?: boolean }) =>
    request<unknown>('POST', '/api/users', b).then(one<T.User>('user')),
  patchUser: (id: Id, b: { disabled?: boolean; isAdmin?: boolean }) => request<unknown>('PATCH', `/api/users/${id}`, b).then(one<T.User>('user')),

  cases: () => request<T.CaseSummary[] | { cases: T.CaseSummary[] }>('GET', '/api/cases').then(unwrap<T.CaseSummary>('cases')),
  createCase: (name: string) => request<T.CaseSummary | { case: T.CaseSummary }>('POST', '/api/cases', { name }).then((r) => ('case' in r ? r.case : r)),
  dashboard: (caseId: Id) => request<T.Dashboard>('GET', `/api/cases/${caseId}`),
  members: (caseId: Id) =>
    request<T.Member[] | { members: T.Member[] }>('GET', `/api/cases/${caseId}/members`).then(unwrap<T.Member>('members')),
  putMember: (caseId: Id, userId: Id, b: { role: T.Role; grants: T.Grant[] }) =>
    request<unknown>('PUT', `/api/cases/${caseId}/members/${userId}`, b),
  removeMember: (caseId: Id, userId: Id) => request<unknown>('DELETE', `/api/cases/${caseId}/members/${userId}`),

  items: (caseId: Id, q: T.ItemQuery) => request<T.ItemList>('GET', `/api/cases/${caseId}/items${qs({ ...q })}`),
  item: (itemId: Id) => request<T.ItemDetail>('GET', `/api/items/${itemId}`),
  itemTime: (itemId: Id, atSec: number) => request<T.ItemTime>('GET', `/api/items/${itemId}/time?at=${encodeURIComponent(String(Math.max(0, atSec)))}`),
  views: (caseId: Id) =>
    request<T.SavedView[] | { views: T.SavedView[] }>('GET', `/api/cases/${caseId}/views`).then(unwrap<T.SavedView>('views')),
  saveView: (caseId: Id, b: { name: string; query: T.ItemQuery }) => request<unknown>('POST', `/api/cases/${caseId}/views`, b).then(one<T.SavedView>('view')),
  renameView: (id: Id, name: string) => request<unknown>('PATCH', `/api/views/${id}`, { name }).then(one<T.SavedView>('view')),
  deleteView: (id: Id) => request<unknown>('DELETE', `/api/views/${id}`),

  taxonomy: () => request<T.Term[] | { terms: T.Term[] }>('GET', '/api/taxonomy').then(unwrap<T.Term>('terms')),
  createTerm: (b: { kind: T.Term['kind']; key: string; labels: { en: string; ru: string }; parentId?: string | null }) =>
    request<unknown>('POST', '/api/taxonomy', b).then(one<T.Term>('term')),
  patchTerm: (id: Id, b: { labels?: { en: string; ru: string }; archived?: boolean }) => request<unknown>('PATCH', `/api/taxonomy/${id}`, b).then(one<T.Term>('term')),

  annotations: (itemId: Id) =>
    request<T.Annotation[] | { annotations: T.Annotation[] }>('GET', `/api/items/${itemId}/annotations`).then(unwrap<T.Annotation>('annotations')),
  createAnnotation: (itemId: Id, b: T.AnnotationInput) => request<unknown>('POST', `/api/items/${itemId}/annotations`, b).then(one<T.Annotation>('annotation')),
  patchAnnotation: (id: Id, b: Partial<T.AnnotationInput> & { version?: number }) => request<unknown>('PATCH', `/api/annotations/${id}`, b).then(one<T.Annotation>('annotation')),
  deleteAnnotation: (id: Id, version?: number) => request<unknown>('DELETE', `/api/annotations/${id}${qs({ version })}`),

  incidents: (caseId: Id) =>
    request<T.Incident[] | { incidents: T.Incident[] }>('GET', `/api/cases/${caseId}/incidents`).then(unwrap<T.Incident>('incidents')),
  createIncident: (caseId: Id, b: T.IncidentInput) => request<unknown>('POST', `/api/cases/${caseId}/incidents`, b).then(one<T.Incident>('incident')),
  incident: (id: Id) => request<unknown>('GET', `/api/incidents/${id}`).then(one<T.Incident>('incident')),
  patchIncident: (id: Id, b: Partial<T.IncidentInput>) => request<unknown>('PATCH', `/api/incidents/${id}`, b).then(one<T.Incident>('incident')),
  addSegment: (id: Id, b: { itemId: Id; startSec: number; endSec: number; annotationId?: Id; version?: number }) =>
    request<unknown>('POST', `/api/incidents/${id}/segments`, b),
  removeSegment: (id: Id, segmentId: Id, version?: number) => request<unknown>('DELETE', `/api/incidents/${id}/segments/${segmentId}${qs({ version })}`),
  review: (id: Id, b: T.ReviewInput) => request<unknown>('POST', `/api/incidents/${id}/review`, b).then(one<T.Incident>('incident')),
  publication: (incidentId: Id) => request<T.PublicationDetail>('GET', `/api/incidents/${incidentId}/publication`),
  markPublic: (incidentId: Id, b: T.PublicationInput) => request<T.PublicationDetail>('PUT', `/api/incidents/${incidentId}/publication`, b),
  unmarkPublic: (incidentId: Id) => request<T.PublicationDetail>('DELETE', `/api/incidents/${incidentId}/publication`),
  publications: (caseId: Id) => request<{ publications: T.Publication[]; sites: T.SiteBuild[] }>('GET', `/api/cases/${caseId}/publications`),
  buildSite: (caseId: Id) => request<{ site: T.SiteBuild; created: boolean }>('POST', `/api/cases/${caseId}/sites`),
  siteBuild: (caseId: Id, id: Id) => request<{ site: T.SiteBuild }>('GET', `/api/cases/${caseId}/sites/${id}`).then((r) => r.site),

  facilities: () =>
    request<T.Facility[] | { facilities: T.Facility[] }>('GET', '/api/facilities').then(unwrap<T.Facility>('facilities')),
  createFacility: (b: { kind: T.Facility["kind"]; name: string; parentId?: Id | null; facilityTypeTermId?: Id | null }) =>
    request<unknown>('POST', '/api/facilities', b).then(one<T.Facility>('facility')),
  patchFacility: (id: Id, b: { name?: string; parentId?: Id | null; overlayLabel?: string | null }) =>
    request<unknown>('PATCH', `/api/facilities/${id}`, b).then(one<T.Facility>('facility')),
  deleteFacility: (id: Id) => request<unknown>('DELETE', `/api/facilities/${id}`),
  archiveFacility: (id: Id, archived: boolean) =>
    request<unknown>('POST', `/api/facilities/${id}/${archived ? 'archive' : 'restore'}`).then(one<T.Facility>('facility')),

  persons: (caseId: Id) =>
    request<T.Person[] | { persons: T.Person[] }>('GET', `/api/cases/${caseId}/persons`).then(unwrap<T.Person>('persons')),
  createPerson: (caseId: Id, b: T.PersonInput) => request<unknown>('POST', `/api/cases/${caseId}/persons`, b).then(one<T.Person>('person')),
  patchPerson: (id: Id, b: Partial<Pick<T.PersonInput, 'role' | 'pseudonym' | 'positions'>> & { version?: number }) =>
    request<unknown>('PATCH', `/api/persons/${id}`, b).then(one<T.Person>('person')),

  proceedings: (caseId: Id, q: T.ProceedingQuery = {}) =>
    request<{ proceedings: T.Proceeding[] }>('GET', `/api/cases/${caseId}/proceedings${qs({ ...q })}`).then((r) => r.proceedings),
  createProceeding: (caseId: Id, b: T.ProceedingInput) => request<{ proceeding: T.ProceedingDetail }>('POST', `/api/cases/${caseId}/proceedings`, b).then((r) => r.proceeding),
  proceeding: (id: Id) => request<{ proceeding: T.ProceedingDetail }>('GET', `/api/proceedings/${id}`).then((r) => r.proceeding),
  patchProceeding: (id: Id, b: Partial<T.ProceedingInput> & { version?: number }) =>
    request<{ proceeding: T.ProceedingDetail }>('PATCH', `/api/proceedings/${id}`, b).then((r) => r.proceeding),
  addEvent: (id: Id, b: { on: string | null; status: T.EventStatus; summary: string }) =>
    request<{ proceeding: T.ProceedingDetail }>('POST', `/api/proceedings/${id}/events`, b).then((r) => r.proceeding),
  patchEvent: (id: Id, b: { on?: string | null; status?: T.EventStatus; summary?: string; version?: number }) =>
    request<{ proceeding: T.ProceedingDetail }>('PATCH', `/api/proceeding-events/${id}`, b).then((r) => r.proceeding),
  addClaim: (eventId: Id, b: { sourceId: number; quote: string; confidence: T.Confidence }) => request<{ claim: T.Claim }>('POST', `/api/proceeding-events/${eventId}/claims`, b),
  linkProceeding: (id: Id, b: { incidentId: number } | { itemId: number; startSec: number | null; endSec: number | null }) =>
    request<{ link: T.ProceedingLink }>('POST', `/api/proceedings/${id}/links`, b).then((r) => r.link),
  patchClaim: (id: Id, b: { quote?: string; confidence?: T.Confidence; version?: number }) => request<{ claim: T.Claim }>('PATCH', `/api/claims/${id}`, b).then((r) => r.claim),
  withdrawClaim: (id: Id, b: { reason: string | null; version?: number }) => request<{ claim: T.Claim }>('POST', `/api/claims/${id}/withdraw`, b).then((r) => r.claim),
  unlinkProceeding: (linkId: Id) => request<{ proceedingId: number }>('DELETE', `/api/proceeding-links/${linkId}`),
  /** A source with its captured copy uploaded (multipart): preserved as a hashed evidence item. */
  uploadSource: async (caseId: Id, fields: Record<string, string>, file: File): Promise<T.Source> => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v) fd.set(k, v);
    fd.set('file', file, file.name);
    const res = await fetch(`/api/cases/${caseId}/sources/upload`, { method: 'POST', body: fd, credentials: 'same-origin', headers: { accept: 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) } });
    const json = (await res.json().catch(() => undefined)) as { source?: T.Source; error?: { code?: string; message?: string; where?: string } } | undefined;
    if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? String(res.status), json?.error?.message ?? res.statusText, json?.error?.where);
    return json!.source!;
  },
  personClaims: (personId: Id) => request<{ claims: T.Claim[] }>('GET', `/api/persons/${personId}/claims`).then((r) => r.claims),
  addPositionClaim: (personId: Id, b: { positionIndex: number; sourceId: number; quote: string; confidence: T.Confidence }) =>
    request<{ claim: T.Claim }>('POST', `/api/persons/${personId}/claims`, b).then((r) => r.claim),
  sources: (caseId: Id) => request<{ sources: T.Source[] }>('GET', `/api/cases/${caseId}/sources`).then((r) => r.sources),
  createSource: (caseId: Id, b: T.SourceInput) => request<{ source: T.Source }>('POST', `/api/cases/${caseId}/sources`, b).then((r) => r.source),
  patchSource: (id: Id, b: Partial<T.SourceInput> & { version?: number }) => request<{ source: T.Source }>('PATCH', `/api/sources/${id}`, b).then((r) => r.source),
  accountabilityDashboard: (caseId: Id, facilityId?: string) =>
    request<T.AccountabilityDashboard>('GET', `/api/cases/${caseId}/accountability/dashboard${qs({ facilityId })}`),
  redactions: (itemId: Id) => request<{ redactions: T.Redaction[] }>('GET', `/api/items/${itemId}/redactions`).then((r) => r.redactions),
  redactionSuggestions: (itemId: Id) => request<T.RedactionSuggestions>('GET', `/api/items/${itemId}/redaction-suggestions`),
  createRedaction: (itemId: Id, b: { title: string; recipe: T.RedactionRecipe }) =>
    request<{ redaction: T.Redaction }>('POST', `/api/items/${itemId}/redactions`, b).then((r) => r.redaction),
  patchRedaction: (id: Id, b: { title?: string; recipe?: T.RedactionRecipe; version: number }) =>
    request<{ redaction: T.Redaction }>('PATCH', `/api/redactions/${id}`, b).then((r) => r.redaction),
  redaction: (id: Id) => request<{ redaction: T.Redaction }>('GET', `/api/redactions/${id}`).then((r) => r.redaction),
  renderRedaction: (id: Id, version: number) => request<{ redaction: T.Redaction }>('POST', `/api/redactions/${id}/render`, { version }).then((r) => r.redaction),
  reviewRedaction: (id: Id, decision: 'approve' | 'reject', b: { note: string; version: number }) =>
    request<{ redaction: T.Redaction }>('POST', `/api/redactions/${id}/${decision}`, b).then((r) => r.redaction),

  ledger: (caseId: Id, p: { limit?: number; before?: number | null } = {}) =>
    request<{ entries: T.LedgerEntry[]; nextBefore?: number | null }>('GET', `/api/cases/${caseId}/ledger${qs(p)}`),

  intake: () => request<T.IntakeOverview>('GET', '/api/intake'),
  intakeStoreIdentity: (b: { recipient: string; protectedIdentity: string }) => request<T.IntakeIdentity>('PUT', '/api/intake/identity', b),
  intakeSubmissions: () => request<{ submissions: T.IntakeSubmission[]; jobs: T.IntakeImportJob[] }>('GET', '/api/intake/submissions'),
  intakeMessages: (submissionId: string) =>
    request<{ messages: T.IntakeMessage[] }>('GET', `/api/intake/submissions/${encodeURIComponent(submissionId)}/messages`).then((r) => r.messages),
  intakeReply: (submissionId: string, ciphertext: string) =>
    request<{ id: number; sha256: string }>('POST', `/api/intake/submissions/${encodeURIComponent(submissionId)}/messages`, { ciphertext }),
  intakeImportHeaders: (submissionId: string) =>
    request<{ headers: T.IntakeImportHeader[] }>('GET', `/api/intake/submissions/${encodeURIComponent(submissionId)}/headers`).then((r) => r.headers),
  intakeImport: (b: { submissionId: string; caseId: number; fileKeys: { header: string; key: string }[]; again?: boolean }) =>
    request<{ job: T.IntakeImportJob }>('POST', '/api/intake/imports', b).then((r) => r.job),
  intakeImportJob: (id: string) => request<{ job: T.IntakeImportJob }>('GET', `/api/intake/imports/${encodeURIComponent(id)}`).then((r) => r.job),
};

/** The contract returns lists either bare or wrapped in an object; accept both. */
function unwrap<X>(key: string) {
  return (r: X[] | Record<string, X[]>): X[] => (Array.isArray(r) ? r : ((r as Record<string, X[]>)[key] ?? []));
}
/** Single records come wrapped ({ incident: {...} }); accept a bare one too. */
function one<X>(key: string) {
  return (r: unknown): X => {
    const o = r as Record<string, unknown>;
    return (o && typeof o === 'object' && key in o && typeof o[key] === 'object' && !('id' in o) ? o[key] : r) as X;
  };
}

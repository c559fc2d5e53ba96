// The accountability section of a case: the dashboard, proceedings with filters and search, a form
// for a new proceeding, and the sources whose captured copies prove each claim. What the API leaves
// out (the source's own legal exposure, without the grant) is simply not there.
import { useState } from 'react';
import { api, capturedCopyUrl } from '../api.js';
import { EVENT_STATUSES, PROCEEDING_TYPES, type Id, type ProceedingInput, type ProceedingQuery, type Role, type SourceInput } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { can } from '../session.js';
import { useLoad } from '../use-load.js';
import { AccountabilityDashboardPanel } from '../components/accountability-dashboard.component.js';
import { PositionClaimsPanel } from '../components/position-claims.component.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';
import { pickable } from '../facility-picker.js';

/** The server's bound for a captured copy uploaded here (larger ones go through `custodia ingest`). */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export function AccountabilityScreen({ caseId, role }: { caseId: Id; role: Role | null | undefined }) {
  const { t } = useI18n();
  const [query, setQuery] = useState<ProceedingQuery>({});
  const [draft, setDraft] = useState<ProceedingQuery>({});
  const list = useLoad(() => api.proceedings(caseId, query), [caseId, JSON.stringify(query)]);
  const facilities = useLoad(() => api.facilities().catch(() => []), []);
  const persons = useLoad(() => api.persons(caseId), [caseId]);
  const [showForm, setShowForm] = useState(false);
  const facName = (id: Id | null) => (id == null ? '—' : (facilities.data?.find((x) => String(x.id) === String(id))?.name ?? String(id)));
  return (
    <>
      <PageHeader title={t('acc.title')}>
        {can.edit(role) && !showForm && <button type="button" onClick={() => setShowForm(true)}>{t('acc.create')}</button>}
      </PageHeader>
      <p className="muted">{t('acc.intro')}</p>
      {showForm && (
        <ProceedingForm caseId={caseId} persons={persons.data ?? []} facilities={facilities.data ?? []} onDone={(id) => (id ? (location.hash = href.proceeding(caseId, id)) : setShowForm(false))} />
      )}
      <AccountabilityDashboardPanel caseId={caseId} facilities={facilities.data ?? []} />
      <form
        className="card inline-form"
        aria-label={t('acc.search')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(draft);
        }}
      >
        <label>
          {t('acc.search')}
          <input type="search" name="q" placeholder={t('acc.searchHint')} value={draft.q ?? ''} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </label>
        <label>
          {t('acc.type')}
          <select name="type" value={draft.type ?? ''} onChange={(e) => setDraft({ ...draft, type: e.target.value as ProceedingQuery['type'] })}>
            <option value="">{t('common.all')}</option>
            {PROCEEDING_TYPES.map((x) => <option key={x} value={x}>{t(`acc.type.${x}`)}</option>)}
          </select>
        </label>
        <label>
          {t('acc.latest')}
          <select name="status" value={draft.status ?? ''} onChange={(e) => setDraft({ ...draft, status: e.target.value as ProceedingQuery['status'] })}>
            <option value="">{t('common.all')}</option>
            {EVENT_STATUSES.map((x) => <option key={x} value={x}>{t(`acc.status.${x}`)}</option>)}
          </select>
        </label>
        <label>
          {t('acc.person')}
          <select name="personId" value={draft.personId ?? ''} onChange={(e) => setDraft({ ...draft, personId: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {(persons.data ?? []).map((p) => <option key={p.id} value={String(p.id)}>{p.pseudonym}</option>)}
          </select>
        </label>
        <label>
          {t('acc.facility')}
          <select name="facilityId" value={draft.facilityId ?? ''} onChange={(e) => setDraft({ ...draft, facilityId: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {(facilities.data ?? []).filter((f) => f.kind !== 'camera').map((f) => <option key={f.id} value={String(f.id)}>{f.name}</option>)}
          </select>
        </label>
        <button type="submit" className="secondary">{t('acc.search')}</button>
      </form>
      <ErrorNote error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (list.data ?? []).length === 0 ? (
        <p className="muted">{t('acc.none')}</p>
      ) : (
        <table className="table" data-testid="proceedings">
          <thead>
            <tr>
              <th>{t('acc.name')}</th>
              <th>{t('acc.type')}</th>
              <th>{t('acc.latest')}</th>
              <th>{t('acc.facility')}</th>
              <th>{t('acc.subjects')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data!.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={href.proceeding(caseId, p.id)}>{p.title}</a> {p.sourceExposure && <Pill tone="warn">{t('acc.sourceExposure')}</Pill>}
                </td>
                <td>{t(`acc.type.${p.type}`)}</td>
                <td>{p.latestStatus ? <Pill tone="info">{t(`acc.status.${p.latestStatus}`)}</Pill> : '—'} {p.latestOn ?? ''}</td>
                <td>{facName(p.facilityId)}</td>
                <td>
                  {p.subjectIds.map((id) => persons.data?.find((x) => String(x.id) === String(id))?.pseudonym ?? `#${id}`).join(', ')}
                  {p.unnamedSubjects > 0 ? ` +${p.unnamedSubjects}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SourcesPanel caseId={caseId} role={role} />
      <PositionClaimsPanel caseId={caseId} role={role} />
    </>
  );
}

export function ProceedingForm({
  caseId,
  initial,
  persons,
  facilities,
  onDone,
}: {
  caseId: Id;
  initial?: ProceedingInput & { id: number; version: number };
  persons: { id: Id; pseudonym: string }[];
  facilities: { id: Id; name: string; kind: string; parentId?: Id | null; archived?: boolean }[];
  onDone: (id: number | null) => void;
}) {
  const { t } = useI18n();
  const [f, setF] = useState<ProceedingInput>(initial ?? { type: 'criminal-case', title: '', subjectIds: [], unnamedSubjects: 0, authority: null, legalArticle: null, facilityId: null, sourceExposure: false });
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="card form-grid"
      aria-label={initial ? t('acc.edit') : t('acc.create')}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        const body = { ...f, authority: f.authority || null, legalArticle: f.legalArticle || null };
        (initial ? api.patchProceeding(initial.id, { ...body, version: initial.version }) : api.createProceeding(caseId, body)).then((d) => onDone(d.proceeding.id), setError);
      }}
    >
      <label>
        {t('acc.type')}
        <select name="type" value={f.type} onChange={(e) => setF({ ...f, type: e.target.value as ProceedingInput['type'] })}>
          {PROCEEDING_TYPES.map((x) => <option key={x} value={x}>{t(`acc.type.${x}`)}</option>)}
        </select>
      </label>
      <label>
        {t('acc.name')}
        <input name="title" value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} required />
      </label>
      <label>
        {t('acc.subjects')}
        <select name="subjectIds" multiple value={(f.subjectIds ?? []).map(String)} onChange={(e) => setF({ ...f, subjectIds: [...e.target.selectedOptions].map((o) => Number(o.value)) })}>
          {persons.map((p) => <option key={p.id} value={String(p.id)}>{p.pseudonym}</option>)}
        </select>
      </label>
      <label>
        {t('acc.unnamed')}
        <input name="unnamedSubjects" type="number" min={0} value={f.unnamedSubjects ?? 0} onChange={(e) => setF({ ...f, unnamedSubjects: Math.max(0, Number(e.target.value) || 0) })} />
      </label>
      <label>
        {t('acc.authority')}
        <input name="authority" value={f.authority ?? ''} onChange={(e) => setF({ ...f, authority: e.target.value })} />
      </label>
      <label>
        {t('acc.legalArticle')}
        <input name="legalArticle" value={f.legalArticle ?? ''} onChange={(e) => setF({ ...f, legalArticle: e.target.value })} />
      </label>
      <label>
        {t('acc.facility')}
        <select name="facilityId" value={f.facilityId == null ? '' : String(f.facilityId)} onChange={(e) => setF({ ...f, facilityId: e.target.value ? Number(e.target.value) : null })}>
          <option value="">{t('common.none')}</option>
          {pickable(facilities, [f.facilityId]).filter((x) => x.kind !== 'camera').map((x) => <option key={x.id} value={String(x.id)}>{x.name}</option>)}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" name="sourceExposure" checked={f.sourceExposure ?? false} onChange={(e) => setF({ ...f, sourceExposure: e.target.checked })} />
        {t('acc.sourceExposure')}
        <span className="muted small">{t('acc.sourceExposureHint')}</span>
      </label>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit">{t('common.save')}</button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function SourcesPanel({ caseId, role }: { caseId: Id; role: Role | null | undefined }) {
  const { t } = useI18n();
  const list = useLoad(() => api.sources(caseId), [caseId]);
  const empty: SourceInput = { kind: 'web-page', title: '', publisher: '', url: '', publishedOn: '', itemId: null };
  const [f, setF] = useState<SourceInput>(empty);
  const [file, setFile] = useState<File | null>(null);
  const [retrievedAt, setRetrievedAt] = useState('');
  const [protect, setProtect] = useState(false);
  const [fileKey, setFileKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const done = () => (setF(empty), setFile(null), setRetrievedAt(''), setProtect(false), setFileKey((k) => k + 1), list.reload());
  return (
    <section className="card" aria-label={t('acc.sources')} data-testid="sources">
      <h2>{t('acc.sources')}</h2>
      <ErrorNote error={list.error} onRetry={list.reload} />
      <ul className="plain">
        {(list.data ?? []).map((s) => (
          <li key={s.id}>
            <strong>{s.title}</strong> <span className="muted">{t(`acc.source.kind.${s.kind}`)}{s.publisher ? ` · ${s.publisher}` : ''}{s.publishedOn ? ` · ${s.publishedOn}` : ''}</span>{' '}
            {s.url && <a href={s.url} rel="noreferrer noopener" target="_blank">{s.url}</a>}{' '}
            {s.sha256 ? (
              <>
                <a href={capturedCopyUrl(s.id)} target="_blank" rel="noopener">{t('acc.source.view')}</a> · <a href={capturedCopyUrl(s.id, true)} download>{t('acc.source.download')}</a>{' '}
                <code className="hash">{s.sha256.slice(0, 16)}…</code>
              </>
            ) : (
              <span className="muted">· {t('acc.source.noCopy')}</span>
            )}
          </li>
        ))}
      </ul>
      {can.edit(role) && (
        <form
          className="inline-form"
          aria-label={t('acc.source.add')}
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            if (file) {
              if (file.size > MAX_UPLOAD_BYTES) return setError(new Error(t('acc.source.tooLarge', { name: file.name })));
              setBusy(true);
              const fields = {
                kind: f.kind, title: f.title, publisher: f.publisher ?? '', url: f.url ?? '', publishedOn: f.publishedOn ?? '',
                retrievedAt: retrievedAt ? new Date(retrievedAt).toISOString() : '', protect: protect ? '1' : '',
              };
              api.uploadSource(caseId, fields, file).then(done, setError).finally(() => setBusy(false));
              return;
            }
            api
              .createSource(caseId, { ...f, publisher: f.publisher || null, url: f.url || null, publishedOn: f.publishedOn || null, itemId: f.itemId || null })
              .then(done, setError);
          }}
        >
          <label>
            {t('acc.source.kind')}
            <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as SourceInput['kind'] })}>
              {(['web-page', 'document', 'video'] as const).map((k) => <option key={k} value={k}>{t(`acc.source.kind.${k}`)}</option>)}
            </select>
          </label>
          <label>
            {t('acc.source.title')}
            <input value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} required />
          </label>
          <label>
            {t('acc.source.publisher')}
            <input value={f.publisher ?? ''} onChange={(e) => setF({ ...f, publisher: e.target.value })} />
          </label>
          <label>
            {t('acc.source.url')}
            <input type="url" value={f.url ?? ''} onChange={(e) => setF({ ...f, url: e.target.value })} />
          </label>
          <label>
            {t('acc.source.publishedOn')}
            <input value={f.publishedOn ?? ''} pattern="\d{4}(-\d{2}(-\d{2})?)?" onChange={(e) => setF({ ...f, publishedOn: e.target.value })} />
          </label>
          <label>
            {t('acc.source.file')}
            <input key={fileKey} type="file" name="capturedCopy" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </label>
          {file ? (
            <>
              <label>
                {t('acc.source.retrievedAt')}
                <input type="datetime-local" name="retrievedAt" value={retrievedAt} onChange={(e) => setRetrievedAt(e.target.value)} />
              </label>
              <label className="checkbox">
                <input type="checkbox" name="protect" checked={protect} onChange={(e) => setProtect(e.target.checked)} />
                {t('acc.source.protect')}
                <span className="muted small">{t('acc.source.protectHint')}</span>
              </label>
            </>
          ) : (
            <label>
              {t('acc.source.itemId')}
              <input type="number" min={1} value={f.itemId ?? ''} onChange={(e) => setF({ ...f, itemId: e.target.value ? Number(e.target.value) : null })} />
            </label>
          )}
          <button type="submit" disabled={busy}>{busy ? t('acc.source.uploading') : t('acc.source.add')}</button>
          <ErrorNote error={error} />
        </form>
      )}
      {list.loading && !list.data && <Loading />}
    </section>
  );
}

// Officials' positions and the claims that prove them (a source's exact words about who held
// which post), with a form to add one.
import { useState } from 'react';
import { api, capturedCopyUrl } from '../api.js';
import type { Claim, Id, Person, Role, Source } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { can } from '../session.js';
import { useLoad } from '../use-load.js';
import { ClaimForm } from './claim-form.component.js';
import { ErrorNote, Pill } from './ui.component.js';

export function PositionClaimsPanel({ caseId, role }: { caseId: Id; role: Role | null | undefined }) {
  const { t } = useI18n();
  const data = useLoad(async () => {
    const persons = (await api.persons(caseId)).filter((p) => (p.positions ?? []).length > 0);
    const claims = await Promise.all(persons.map((p) => api.personClaims(p.id)));
    return { persons, claims: new Map(persons.map((p, i) => [String(p.id), claims[i]!])) };
  }, [caseId]);
  const sources = useLoad(() => api.sources(caseId), [caseId]);
  if (!data.data || data.data.persons.length === 0) return <ErrorNote error={data.error} onRetry={data.reload} />;
  const sourceOf = (id: number) => sources.data?.find((s) => s.id === id);
  return (
    <section className="card" aria-label={t('acc.positions')} data-testid="position-claims">
      <h2>{t('acc.positions')}</h2>
      <ul className="plain">
        {data.data.persons.map((p) => (
          <li key={p.id}>
            <strong>{p.pseudonym}</strong>
            <ul className="claims">
              {(p.positions ?? []).map((pos, i) => (
                <li key={i}>
                  {[pos.title, pos.unit, pos.rank].filter(Boolean).join(' · ')} {pos.from ? `(${pos.from}–${pos.to ?? ''})` : ''}
                  {(data.data!.claims.get(String(p.id)) ?? []).filter((c) => samePosition(c, pos)).map((c) => (
                    <ClaimLine key={c.id} claim={c} source={sourceOf(c.sourceId)} />
                  ))}
                </li>
              ))}
            </ul>
            {can.edit(role) && (sources.data ?? []).length > 0 && <PositionClaimForm person={p} sources={sources.data!} onDone={data.reload} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

const samePosition = (c: Claim & { position?: { title: string; from: string | null } | null }, pos: { title: string; from?: string | null }) =>
  c.position?.title === pos.title && (c.position?.from ?? null) === (pos.from ?? null);

function ClaimLine({ claim: c, source: s }: { claim: Claim; source: Source | undefined }) {
  const { t } = useI18n();
  return (
    <div data-testid="position-claim">
      <q>{c.quote}</q> <Pill tone={c.confidence === 'high' ? 'ok' : c.confidence === 'medium' ? 'info' : 'warn'}>{t(`acc.confidence.${c.confidence}`)}</Pill>{' '}
      {s && <span className="muted">— {s.title}{s.sha256 && <> · <a href={capturedCopyUrl(s.id)} target="_blank" rel="noopener">{t('acc.source.view')}</a></>}</span>}
    </div>
  );
}

function PositionClaimForm({ person, sources, onDone }: { person: Person; sources: Source[]; onDone: () => void }) {
  const { t } = useI18n();
  const [positionIndex, setPositionIndex] = useState(0);
  return (
    <ClaimForm
      label={`${t('acc.claim.add')}: ${person.pseudonym}`}
      sources={sources}
      submit={(f) => api.addPositionClaim(person.id, { positionIndex, ...f })}
      onDone={onDone}
    >
      <label>
        {t('per.positions')}
        <select value={String(positionIndex)} onChange={(e) => setPositionIndex(Number(e.target.value))}>
          {(person.positions ?? []).map((pos, i) => <option key={i} value={String(i)}>{pos.title}</option>)}
        </select>
      </label>
    </ClaimForm>
  );
}

// The staff side of the source intake: channels, submissions, conversations, replies and imports.
// The staff member's key is opened here with their passphrase and kept only in this page's memory;
// messages are decrypted and replies encrypted in the browser (ADR 0022).
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import type { CaseSummary, IntakeImportJob, IntakeOverview, IntakeSubmission } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { useLoad, type Loaded } from '../use-load.js';
import { href } from '../route.js';
import { useSession } from '../session.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';
import { openMessage, sealReply, unwrapFileKeys } from '../intake-crypto.js';
import { KeyCard, type UnlockedKey } from '../components/intake-key.component.js';

const STATUS_TONE: Record<IntakeSubmission['importStatus'], 'ok' | 'info' | 'warn' | 'quiet'> = {
  'nothing-sealed': 'quiet',
  waiting: 'info',
  importing: 'info',
  imported: 'ok',
  'partly-imported': 'warn',
};

export function IntakeScreen({ cases }: { cases: Loaded<CaseSummary[]> }) {
  const { t, date, bytes } = useI18n();
  const overview = useLoad(() => api.intake(), []);
  const subs = useLoad(() => (overview.data?.connected ? api.intakeSubmissions() : Promise.resolve({ submissions: [], jobs: [] })), [overview.data?.connected]);
  const [key, setKey] = useState<UnlockedKey | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const o = overview.data;
  const sub = subs.data?.submissions.find((s) => s.id === selected) ?? null;

  return (
    <>
      <PageHeader title={t('intake.title')}>
        {o?.connected && <button type="button" className="secondary small" onClick={() => subs.reload()}>{t('intake.refresh')}</button>}
      </PageHeader>
      <p className="muted">{t('intake.intro')}</p>
      <ErrorNote error={overview.error} onRetry={overview.reload} />
      {overview.loading && !o && <Loading />}
      {o && !o.connected && <p className="note note-info" data-testid="intake-offline">{o.error ? t('intake.unreachable', { message: o.error }) : t('intake.notConfigured')}</p>}
      {o && <KeyCard overview={o} unlocked={key} onUnlocked={setKey} onStored={overview.reload} />}
      {o?.connected && (
        <>
          <Channels overview={o} />
          <h2>{t('intake.submissions')}</h2>
          <ErrorNote error={subs.error} onRetry={subs.reload} />
          {subs.data && subs.data.submissions.length === 0 && <p className="muted">{t('intake.noSubmissions')}</p>}
          {subs.data && subs.data.submissions.length > 0 && (
            <table className="table" data-testid="intake-submissions">
              <thead>
                <tr>
                  <th>{t('intake.submission')}</th>
                  <th>{t('intake.channel')}</th>
                  <th>{t('intake.received')}</th>
                  <th>{t('intake.files')}</th>
                  <th>{t('intake.size')}</th>
                  <th>{t('intake.messages')}</th>
                  <th>{t('intake.importStatus')}</th>
                </tr>
              </thead>
              <tbody>
                {subs.data.submissions.map((s) => (
                  <tr key={s.id} aria-selected={s.id === selected}>
                    <td>
                      <button type="button" className="link mono" onClick={() => setSelected(s.id === selected ? null : s.id)}>{s.id}</button>
                    </td>
                    <td>{s.channel}{s.via === 'form' && <span className="muted small"> · {t('intake.viaForm')}</span>}</td>
                    <td>{date(s.createdAt)}</td>
                    <td>{s.files}</td>
                    <td>{bytes(s.encryptedBytes)}</td>
                    <td>{s.messages}</td>
                    <td><Pill tone={STATUS_TONE[s.importStatus]}>{t(`intake.status.${s.importStatus}`)}</Pill></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {sub && <SubmissionPanel key={sub.id} sub={sub} unlocked={key} cases={cases} jobs={subs.data?.jobs ?? []} onChanged={subs.reload} />}
        </>
      )}
    </>
  );
}

function Channels({ overview }: { overview: IntakeOverview }) {
  const { t } = useI18n();
  const mine = overview.identity?.recipient;
  return (
    <>
      <h2>{t('intake.channels')}</h2>
      {overview.channels.length === 0 ? (
        <p className="muted">{t('intake.noChannels')}</p>
      ) : (
        <table className="table" data-testid="intake-channels">
          <thead>
            <tr>
              <th>{t('common.name')}</th>
              <th>{t('intake.channelTitle')}</th>
              <th>{t('intake.recipients')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.channels.map((c) => (
              <tr key={c.name}>
                <td className="mono">{c.name}</td>
                <td>{c.title}</td>
                <td>
                  {c.recipients.length === 0 && <span className="muted">{t('intake.noRecipients')}</span>}
                  {c.recipients.map((r) => (
                    <Pill key={r.recipient} tone={r.recipient === mine ? 'ok' : 'quiet'}>{r.recipient === mine ? t('intake.you', { label: r.label }) : r.label}</Pill>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

interface Shown {
  id: number;
  author: 'source' | 'staff';
  createdAt: string;
  text: string | null;
}

function SubmissionPanel({ sub, unlocked, cases, jobs, onChanged }: { sub: IntakeSubmission; unlocked: UnlockedKey | null; cases: Loaded<CaseSummary[]>; jobs: IntakeImportJob[]; onChanged: () => void }) {
  const { t, date, bytes } = useI18n();
  const [messages, setMessages] = useState<Shown[] | null>(null);
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [reply, setReply] = useState('');
  const [sending, setSending] = useState(false);
  const [caseId, setCaseId] = useState('');
  const [job, setJob] = useState<IntakeImportJob | null>(jobs.find((j) => j.submissionId === sub.id) ?? null);
  const { session } = useSession();
  const targets = (cases.data ?? []).filter((c) => session.user.isAdmin || c.role === 'coordinator' || c.role === 'admin');

  useEffect(() => {
    let live = true;
    api.intakeMessages(sub.id).then(
      async (list) => {
        const shown = await Promise.all(list.map(async (m) => ({ id: m.id, author: m.author, createdAt: m.createdAt, text: unlocked ? await openMessage(m.ciphertext, unlocked.identity) : null })));
        if (live) setMessages(shown);
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [sub.id, unlocked, tick]);

  // Follow a running import until it ends.
  useEffect(() => {
    if (!job || job.state !== 'running') return;
    const timer = setInterval(() => {
      api.intakeImportJob(job.id).then((j) => {
        setJob(j);
        if (j.state !== 'running') onChanged();
      }, setError);
    }, 1000);
    return () => clearInterval(timer);
  }, [job, onChanged]);

  return (
    <section className="card" aria-label={t('intake.submission')} data-testid="intake-submission">
      <h2 className="mono">{sub.id}</h2>
      <p className="muted small">{t('intake.pseudonymous')}</p>
      <table className="table">
        <thead>
          <tr>
            <th>{t('intake.batch')}</th>
            <th>{t('intake.received')}</th>
            <th>{t('intake.files')}</th>
            <th>{t('intake.size')}</th>
            <th>{t('intake.importStatus')}</th>
          </tr>
        </thead>
        <tbody>
          {sub.batches.map((b) => (
            <tr key={b.id}>
              <td className="mono">{b.id}</td>
              <td>{date(b.sealedAt ?? b.createdAt)}</td>
              <td>{b.files}</td>
              <td>{bytes(b.encryptedBytes)}</td>
              <td><Pill tone={b.state === 'imported' ? 'ok' : b.state === 'ready' ? 'info' : 'quiet'}>{t(`intake.batch.${b.state}`)}</Pill></td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('intake.import')}</h3>
      {!unlocked && <p className="muted">{t('intake.needKey')}</p>}
      {unlocked && targets.length === 0 && <p className="muted">{t('intake.noTargetCase')}</p>}
      {unlocked && targets.length > 0 && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            // Only per-file keys leave the page: the identity stays here (ADR 0028).
            api
              .intakeImportHeaders(sub.id)
              .then((headers) => unwrapFileKeys(headers, unlocked.identity))
              .then((fileKeys) => api.intakeImport({ submissionId: sub.id, caseId: Number(caseId), fileKeys }))
              .then((j) => (setJob(j), onChanged()), setError);
          }}
        >
          <label>
            {t('intake.intoCase')}
            <select value={caseId} onChange={(e) => setCaseId(e.target.value)} required>
              <option value="">—</option>
              {targets.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
          <button type="submit" disabled={job?.state === 'running' || !sub.batches.some((b) => b.state === 'ready')}>{t('intake.importButton')}</button>
        </form>
      )}
      {unlocked && <p className="muted small">{t('intake.importExplain')}</p>}
      {job && <JobNote job={job} />}

      <h3>{t('intake.conversation')}</h3>
      {!unlocked && <p className="muted">{t('intake.needKeyToRead')}</p>}
      {messages === null && !error && <Loading />}
      {messages && messages.length === 0 && <p className="muted">{t('intake.noMessages')}</p>}
      {messages && messages.length > 0 && (
        <ol className="intake-messages" data-testid="intake-messages">
          {messages.map((m) => (
            <li key={m.id} className={`intake-message intake-${m.author}`}>
              <div className="muted small">{t(`intake.author.${m.author}`)} · {date(m.createdAt)}</div>
              {m.text !== null ? <div className="intake-text">{m.text}</div> : <div className="muted">{unlocked ? t('intake.notForYou') : t('intake.locked')}</div>}
            </li>
          ))}
        </ol>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setSending(true);
          sealReply(reply, [sub.sourceRecipient, ...sub.recipients])
            .then((c) => api.intakeReply(sub.id, c))
            .then(() => (setReply(''), setTick((x) => x + 1), onChanged()), setError)
            .finally(() => setSending(false));
        }}
      >
        <label className="wide">
          {t('intake.reply')}
          <textarea rows={3} value={reply} onChange={(e) => setReply(e.target.value)} maxLength={20000} required />
        </label>
        <p className="muted small">{t('intake.replyExplain')}</p>
        <button type="submit" disabled={sending}>{t('intake.send')}</button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}

function JobNote({ job }: { job: IntakeImportJob }) {
  const { t, bytes } = useI18n();
  if (job.state === 'running') {
    const p = job.progress;
    return (
      <p className="note note-info" aria-busy="true">
        {t('intake.job.running', { case: job.caseName })}{' '}
        {p.plannedFiles > 0 && t('intake.job.progress', { batch: p.batches, files: p.files, of: p.plannedFiles, size: bytes(p.bytes), total: bytes(p.plannedBytes) })}
      </p>
    );
  }
  if (job.state === 'failed') return <p className="note note-error" role="alert">{t('intake.job.failed', { message: job.error ?? '' })}</p>;
  if (job.state === 'interrupted') {
    const p = job.progress;
    return (
      <p className="note note-warn" role="status" data-testid="intake-job-interrupted">
        {t('intake.job.interrupted', { case: job.caseName, files: p.files, of: p.plannedFiles })}
      </p>
    );
  }
  const r = job.result!;
  return (
    <div className={`note ${r.problems.length ? 'note-error' : 'note-ok'}`} data-testid="intake-job-done">
      {t('intake.job.done', { files: r.files, size: bytes(r.bytes), case: job.caseName })}{' '}
      <a href={href.case(job.caseId, 'items')}>{t('intake.job.open')}</a>
      {r.problems.length > 0 && (
        <ul>
          {r.problems.map((p) => <li key={`${p.batchId}/${p.path}`}>{p.path}: {p.reason}</li>)}
        </ul>
      )}
    </div>
  );
}

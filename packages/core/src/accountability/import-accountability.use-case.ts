import { actorOf, requireCaseRole, seesProtectedIdentities, seesSource, type Caller } from '../access/caller.js';
import { contentHash } from '../access/ledger-note.js';
import { forbidden, invalid } from '../errors.js';
import { isEmptyIdentity, sealIdentity } from '../persons/protected-identity.js';
import { claimNote, eventNote, proceedingNote } from './accountability-notes.js';
import type { CapturedCopy, ImportClaim, ImportFile, ImportPlan, ImportResult } from './accountability-import.types.js';
import type { AccountabilityImporter } from './accountability.types.js';
import { checkPartialDate, partialToDay } from './partial-date.js';
import { quoteOccurs, readableText } from './source-text.port.js';

/**
 * Imports a "custodia-accountability/1" file into a case: every reference and every quote is
 * checked first (a quote must occur verbatim in its source's captured copy), then everything is
 * written in one transaction, each record with its ledger entry. Idempotent per (case, key):
 * records imported before are left as they are. Errors name the failing record.
 */
export async function importAccountability(
  deps: { importer: AccountabilityImporter },
  caller: Caller,
  caseId: number,
  file: ImportFile,
  captured: ReadonlyMap<string, CapturedCopy>,
  fileSha256: string,
  opts: { checkOnly?: boolean } = {},
): Promise<ImportResult | null> {
  const access = await requireCaseRole(caller, caseId, 'analyst');
  const fail = (where: string, what: string): never => {
    throw invalid(`${where}: ${what}`, { where });
  };
  const unique = (kind: string, keys: string[]) => {
    const seen = new Set<string>();
    for (const [i, k] of keys.entries()) {
      if (seen.has(k)) fail(`${kind}[${i}] "${k}"`, `the key "${k}" is used twice`);
      seen.add(k);
    }
    return seen;
  };
  const sourceKeys = unique('sources', file.sources.map((s) => s.key));
  const personKeys = unique('persons', file.persons.map((p) => p.key));
  unique('proceedings', file.proceedings.map((p) => p.key));
  const pseudonyms = new Set<string>();
  for (const [i, p] of file.persons.entries()) {
    if (pseudonyms.has(p.pseudonym)) fail(`persons[${i}] "${p.key}"`, `the pseudonym "${p.pseudonym}" is used twice`);
    pseudonyms.add(p.pseudonym);
  }

  const sourceTitle = new Map(file.sources.map((s) => [s.key, s.title]));
  const checkClaims = (where: string, claims: readonly ImportClaim[]) => {
    for (const [i, c] of claims.entries()) {
      const at = `${where} claims[${i}]`;
      if (!sourceKeys.has(c.source)) fail(at, `no source with the key "${c.source}"`);
      const copy = captured.get(c.source);
      if (copy && copy.text !== null && !quoteOccurs(readableText(copy.text), c.quote)) {
        fail(at, `the quote "${c.quote}" does not occur verbatim in the captured copy of source "${c.source}" (${sourceTitle.get(c.source)})`);
      }
    }
  };

  for (const [i, s] of file.sources.entries()) {
    const at = `sources[${i}] "${s.key}"`;
    try {
      checkPartialDate(s.publishedOn ?? null, 'publishedOn');
    } catch (e) {
      fail(at, (e as Error).message);
    }
    if (s.url && !/^https?:\/\/\S+$/i.test(s.url)) fail(at, `"${s.url}" is not an http(s) address`);
    if (s.retrievedAt && Number.isNaN(Date.parse(s.retrievedAt))) fail(at, `retrievedAt "${s.retrievedAt}" is not a time`);
    if (s.capturedCopy && !captured.has(s.key)) fail(at, `the captured copy "${s.capturedCopy}" was not preserved`);
  }
  const day = (v: string | null | undefined, edge: 'start' | 'end', at: string): string | null => {
    if (v === null || v === undefined) return null;
    try {
      return partialToDay(checkPartialDate(v, edge === 'start' ? 'from' : 'to')!, edge);
    } catch (e) {
      return fail(at, (e as Error).message);
    }
  };
  const persons: ImportPlan['persons'] = file.persons.map((p, i) => {
    const at = `persons[${i}] "${p.key}"`;
    if (p.isSource && !seesSource(access)) throw forbidden(`${at}: recording the source needs the source-identity grant`, { where: at });
    const identity = p.protected && !isEmptyIdentity(p.protected) ? p.protected : null;
    if (identity && !seesProtectedIdentities(access)) throw forbidden(`${at}: a real identity needs the protected-identities grant`, { where: at });
    const seal = identity ? sealIdentity(identity) : null;
    const positions = p.positions.map((pos, j) => {
      const pat = `${at} positions[${j}]`;
      const from = day(pos.from, 'start', pat);
      const to = day(pos.to, 'end', pat);
      if (from && to && to < from) fail(pat, 'a position cannot end before it starts');
      checkClaims(pat, pos.claims ?? []);
      return { facilityId: null, facility: pos.facility ?? null, title: pos.title, from, to, unit: pos.unit ?? null, rank: pos.rank ?? null, claims: pos.claims ?? [] };
    });
    const isSource = p.isSource === true;
    return {
      key: p.key,
      role: p.role,
      pseudonym: p.pseudonym,
      isSource,
      identity: seal?.sealed ?? null,
      positions,
      note: (id, facilityIds) => {
        const shown = positions.map(({ claims: _c, facility: _f, ...pos }, k) => ({ ...pos, facilityId: facilityIds[k] ?? null }));
        return {
          action: 'person-created',
          subjects: [],
          details: isSource
            ? { case: caseId, person: id, contentSha256: contentHash({ role: p.role, pseudonym: p.pseudonym, positions: shown }), identityCommitment: seal?.commitment ?? null }
            : { case: caseId, person: id, role: p.role, pseudonym: p.pseudonym, positions: shown, identityCommitment: seal?.commitment ?? null },
        };
      },
    };
  });

  const proceedings: ImportPlan['proceedings'] = file.proceedings.map((p, i) => {
    const at = `proceedings[${i}] "${p.key}"`;
    if (p.sourceExposure && !seesSource(access)) throw forbidden(`${at}: the source's own legal exposure needs the source-identity grant`, { where: at });
    for (const [j, s] of p.subjects.entries()) if (!personKeys.has(s)) fail(`${at} subjects[${j}]`, `no person with the key "${s}"`);
    const events = p.events.map((e, j) => {
      const eat = `${at} events[${j}]`;
      try {
        checkPartialDate(e.on, 'on');
      } catch (err) {
        fail(eat, (err as Error).message);
      }
      checkClaims(eat, e.claims);
      return { ...e, summary: e.summary.trim() };
    });
    const content = (subjectIds: number[], facilityId: number | null) => ({
      type: p.type, title: p.title, subjectIds, unnamedSubjects: p.unnamedSubjects, authority: p.authority ?? null, legalArticle: p.legalArticle ?? null, facilityId, sourceExposure: p.sourceExposure,
    });
    return {
      key: p.key,
      type: p.type,
      title: p.title,
      subjects: [...new Set(p.subjects)],
      unnamedSubjects: p.unnamedSubjects,
      authority: p.authority ?? null,
      legalArticle: p.legalArticle ?? null,
      facility: p.facility ?? null,
      sourceExposure: p.sourceExposure,
      events,
      note: (id, subjectIds, facilityId) => proceedingNote('proceeding-created', caseId, id, content(subjectIds, facilityId), 1),
      eventNote: (proceedingId, eventId, j) => eventNote('proceeding-event-added', caseId, proceedingId, eventId, events[j]!, p.sourceExposure, 1),
    };
  });

  const facilityNames = [...new Set([...file.proceedings.map((p) => p.facility), ...file.persons.flatMap((p) => p.positions.map((x) => x.facility))].filter((x): x is string => !!x))];
  const plan: ImportPlan = {
    fileSha256,
    label: file.label ?? null,
    facilityNames,
    facilityNote: (id, name) => ({ action: 'facility-created', subjects: [], details: { facility: id, kind: 'facility', name, parent: null, facilityType: null, overlayLabel: null } }),
    sources: file.sources.map((s) => {
      const copy = captured.get(s.key) ?? null;
      const c = { kind: s.kind, title: s.title, publisher: s.publisher ?? null, url: s.url ?? null, publishedOn: s.publishedOn ?? null, retrievedAt: s.retrievedAt ?? null, itemId: copy?.itemId ?? null };
      return { key: s.key, ...c, note: (id: number) => ({ action: 'source-created', subjects: copy ? [copy.sha256] : [], details: { case: caseId, source: id, version: 1, kind: c.kind, item: c.itemId, contentSha256: contentHash(c) } }) };
    }),
    persons,
    proceedings,
    claimNote: (id, c, target) => claimNote(caseId, id, { sourceId: c.sourceId, quote: c.quote, confidence: c.confidence }, target, captured.get(c.source)?.sha256 ?? null),
    importNote: (counts) => ({ action: 'accountability-imported', subjects: [], details: { case: caseId, fileSha256, created: counts } }),
  };
  // A check alone lets the caller find every problem before preserving any captured copy.
  if (opts.checkOnly) return null;
  return deps.importer.importRecords(caseId, plan, caller.userId, actorOf(caller));
}

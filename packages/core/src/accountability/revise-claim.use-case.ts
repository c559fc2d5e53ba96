import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { contentHash } from '../access/ledger-note.js';
import { conflict, invalid, notFound } from '../errors.js';
import { personsForCaller } from '../persons/person-view.js';
import { shownSource, visibleProceeding, type AccountabilityDeps } from './accountability-access.js';
import type { Claim, ClaimConfidence, ClaimVersion } from './accountability.types.js';
import { quoteOccurs, readableText, type SourceText } from './source-text.port.js';

/** A claim the caller may see (its event's proceeding, or its person), with at least `min`. */
async function visibleClaim(deps: AccountabilityDeps, caller: Caller, id: number, min: 'observer' | 'analyst'): Promise<{ claim: Claim; sees: boolean; exposure: boolean }> {
  const claim = await deps.accountability.claim(id);
  if (!claim) throw notFound(`no claim ${id}`);
  if (claim.eventId !== null) {
    const e = await deps.accountability.event(claim.eventId);
    if (!e) throw notFound(`no claim ${id}`);
    try {
      const { view, proceeding } = await visibleProceeding(deps, caller, e.proceedingId, min);
      return { claim, sees: view.seesSource, exposure: proceeding.sourceExposure };
    } catch (err) {
      if ((err as { code?: string }).code === 'NotFound') throw notFound(`no claim ${id}`);
      throw err;
    }
  }
  const access = await requireCaseRole(caller, claim.caseId, min);
  const [rec] = await deps.persons.personsByIds([claim.personId!]);
  if (!rec || (await personsForCaller(deps.persons, access, [rec])).length === 0) throw notFound(`no claim ${id}`);
  return { claim, sees: seesSource(access), exposure: rec.isSource };
}

/** Every version of a claim, oldest first (withdrawn ones included). Observers and above. */
export async function claimHistory(deps: AccountabilityDeps, caller: Caller, id: number): Promise<ClaimVersion[]> {
  await visibleClaim(deps, caller, id, 'observer');
  return deps.accountability.claimHistory(id);
}

/**
 * Edits a claim (quote, confidence, source): a new version, the old one kept; the quote is checked
 * against the captured copy as when it was added. Analysts and above; ledgered.
 */
export async function updateClaim(
  deps: AccountabilityDeps & { texts: SourceText },
  caller: Caller,
  id: number,
  change: { quote?: string; confidence?: ClaimConfidence; sourceId?: number },
  expectedVersion?: number,
): Promise<Claim> {
  const { claim, sees, exposure } = await visibleClaim(deps, caller, id, 'analyst');
  if (claim.withdrawnAt) throw conflict(`claim ${id} was withdrawn`);
  if (expectedVersion !== undefined && expectedVersion !== claim.version) throw conflict(`claim ${id} is at version ${claim.version}, you edited version ${expectedVersion}: reload and try again`, { where: 'version' });
  const quote = (change.quote ?? claim.quote).trim();
  if (!quote) throw invalid('a claim quotes its source', { where: 'quote' });
  const stored = await deps.accountability.source(change.sourceId ?? claim.sourceId);
  const source = stored && shownSource({ seesSource: sees }, stored);
  if (!source || source.caseId !== claim.caseId) throw invalid(`no source ${change.sourceId} in this case`, { where: 'sourceId' });
  if (source.sha256) {
    const text = await deps.texts.textOf(source.sha256);
    if (text !== null && !quoteOccurs(readableText(text), quote)) throw invalid(`the quote does not occur verbatim in the captured copy of "${source.title}"`, { where: 'quote' });
  }
  const c = { sourceId: source.id, quote, confidence: change.confidence ?? claim.confidence };
  return deps.accountability.reviseClaim(id, claim.version, c, null, caller.userId, actorOf(caller), {
    action: 'claim-changed',
    subjects: source.sha256 && !exposure ? [source.sha256] : [],
    details: { case: claim.caseId, claim: id, version: claim.version + 1, ...(exposure ? {} : { source: source.id, confidence: c.confidence }), quoteSha256: contentHash({ quote }) },
  });
}

/**
 * Withdraws a claim: it stays in the claim's history but supports nothing and is counted nowhere.
 * Analysts and above; ledgered (with the reason's hash).
 */
export async function withdrawClaim(deps: AccountabilityDeps, caller: Caller, id: number, reason: string | null, expectedVersion?: number): Promise<Claim> {
  const { claim } = await visibleClaim(deps, caller, id, 'analyst');
  if (claim.withdrawnAt) throw conflict(`claim ${id} was withdrawn already`);
  if (expectedVersion !== undefined && expectedVersion !== claim.version) throw conflict(`claim ${id} is at version ${claim.version}, you withdrew version ${expectedVersion}: reload and try again`, { where: 'version' });
  const why = reason?.trim() || null;
  return deps.accountability.reviseClaim(id, claim.version, { sourceId: claim.sourceId, quote: claim.quote, confidence: claim.confidence }, { reason: why }, caller.userId, actorOf(caller), {
    action: 'claim-withdrawn',
    subjects: [],
    details: { case: claim.caseId, claim: id, version: claim.version + 1, ...(why ? { reasonSha256: contentHash({ reason: why }) } : {}) },
  });
}

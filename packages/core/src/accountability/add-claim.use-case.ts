import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { invalid, notFound } from '../errors.js';
import { personsForCaller } from '../persons/person-view.js';
import { shownSource, visibleProceeding, type AccountabilityDeps } from './accountability-access.js';
import { claimNote } from './accountability-notes.js';
import type { Claim, ClaimContent } from './accountability.types.js';
import { quoteOccurs, readableText, type SourceText } from './source-text.port.js';

export type ClaimTarget = { eventId: number } | { personId: number; positionIndex: number };

/**
 * Adds a claim: a source's exact words supporting an event or an official's position. When the
 * source has a captured copy with text, the quote must occur in it verbatim. Analysts and above; ledgered.
 */
export async function addClaim(deps: AccountabilityDeps & { texts: SourceText }, caller: Caller, target: ClaimTarget, input: ClaimContent): Promise<Claim> {
  const quote = input.quote.trim();
  if (!quote) throw invalid('a claim quotes its source', { where: 'quote' });
  let caseId: number;
  let sees: boolean;
  let ref: { event: number } | { person: number };
  let row: { eventId: number | null; personId: number | null; position: Claim['position'] };
  if ('eventId' in target) {
    const e = await deps.accountability.event(target.eventId);
    if (!e) throw notFound(`no event ${target.eventId}`);
    const { proceeding, view } = await visibleProceeding(deps, caller, e.proceedingId, 'analyst');
    caseId = proceeding.caseId;
    sees = view.seesSource;
    ref = { event: e.id };
    row = { eventId: e.id, personId: null, position: null };
  } else {
    const [rec] = await deps.persons.personsByIds([target.personId]);
    if (!rec) throw notFound(`no person ${target.personId}`);
    const access = await requireCaseRole(caller, rec.caseId, 'analyst');
    const [person] = await personsForCaller(deps.persons, access, [rec]);
    if (!person) throw notFound(`no person ${target.personId}`);
    const position = person.positions[target.positionIndex];
    if (!position) throw invalid(`person ${person.id} has no position ${target.positionIndex}`, { where: 'positionIndex' });
    caseId = rec.caseId;
    sees = seesSource(access);
    ref = { person: rec.id };
    row = { eventId: null, personId: rec.id, position };
  }
  const stored = await deps.accountability.source(input.sourceId);
  // Without the grant a protected captured copy does not exist: the source reads as one without a copy.
  const source = stored && shownSource({ seesSource: sees }, stored);
  if (!source || source.caseId !== caseId) throw invalid(`no source ${input.sourceId} in this case`, { where: 'sourceId' });
  if (source.sha256) {
    const text = await deps.texts.textOf(source.sha256);
    if (text !== null && !quoteOccurs(readableText(text), quote)) {
      throw invalid(`the quote does not occur verbatim in the captured copy of "${source.title}"`, { where: 'quote' });
    }
  }
  const c = { sourceId: source.id, quote, confidence: input.confidence };
  return deps.accountability.addClaim(caseId, { ...c, ...row }, caller.userId, actorOf(caller), (id) => claimNote(caseId, id, c, ref, source.sha256));
}

import { contentHash, type LedgerNote, uniqueSorted } from '../access/ledger-note.js';
import type { EvidenceSegment, Incident, IncidentContent } from './incident.types.js';

/**
 * An incident's ledger entry: its subjects are the hashes of the evidence it rests on; the
 * content (title, description, links) goes in as one hash of the canonical content and segments.
 */
export function incidentNote(
  action: string,
  caseId: number,
  id: number,
  version: number,
  content: IncidentContent,
  segments: readonly Pick<EvidenceSegment, 'itemId' | 'sha256' | 'startSec' | 'endSec'>[],
  extra: Record<string, unknown> = {},
): LedgerNote {
  return {
    action,
    subjects: uniqueSorted(segments.flatMap((s) => (s.sha256 ? [s.sha256] : []))),
    details: {
      case: caseId,
      incident: id,
      version,
      contentSha256: contentHash({ ...content, segments: segments.map((s) => [s.itemId, s.startSec, s.endSec]) }),
      ...extra,
    },
  };
}

export const contentOf = (i: Incident): IncidentContent => ({
  title: i.title,
  facilityId: i.facilityId,
  cameraId: i.cameraId,
  place: i.place,
  occurredFrom: i.occurredFrom,
  occurredTo: i.occurredTo,
  timeSource: i.timeSource,
  victimIds: i.victimIds,
  perpetratorIds: i.perpetratorIds,
  termIds: i.termIds,
  description: i.description,
});

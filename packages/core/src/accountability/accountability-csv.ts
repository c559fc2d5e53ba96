import type { AccountabilityReport } from './accountability-report.js';

/**
 * One CSV cell: quoted when it holds a comma, quote or line break (RFC 4180), and a cell starting
 * with = + - @ (or a tab or carriage return) prefixed with ' so that a spreadsheet shows it as text
 * instead of running it as a formula.
 *
 * @example csvCell('=HYPERLINK("x")') // => "'=HYPERLINK(""x"")" in quotes
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (cells: readonly unknown[]): string => cells.map(csvCell).join(',') + '\r\n';

const HEADER = [
  'proceeding_id', 'type', 'title', 'outcome', 'latest_status', 'authority', 'legal_article', 'facility', 'subjects', 'unnamed_subjects',
  'event_id', 'event_date', 'event_status', 'event_summary', 'claims', 'sources', 'incidents',
];

/** The report as CSV: one row per event of a proceeding (a proceeding without events gets one row). */
export function reportCsv(r: AccountabilityReport): string {
  const sources = new Map(r.sources.map((s) => [s.id, s]));
  let out = csvRow(HEADER);
  for (const p of r.proceedings) {
    const base = [p.id, p.type, p.title, p.outcome, p.latestStatus, p.authority, p.legalArticle, p.facilityName, p.subjects.map((s) => s.pseudonym).join('; '), p.unnamedSubjects];
    const incidents = p.links.filter((l) => l.incidentId !== null).map((l) => `#${l.incidentId} ${l.incidentTitle ?? ''}`.trim()).join('; ');
    if (p.events.length === 0) out += csvRow([...base, '', '', '', '', '', '', incidents]);
    for (const e of p.events) {
      const claims = e.claims.map((c) => `"${c.quote}" (${c.confidence})`).join('; ');
      const cited = [...new Set(e.claims.map((c) => c.sourceId))].map((id) => sources.get(id)).map((s) => (s ? [s.title, s.publisher, s.url].filter(Boolean).join(', ') : '')).join('; ');
      out += csvRow([...base, e.id, e.on ?? 'unknown', e.status, e.summary, claims, cited, incidents]);
    }
  }
  return out;
}

import type { Caller } from '../access/caller.js';
import { forbidden } from '../errors.js';
import { accountabilityView } from './accountability-access.js';
import { reportCsv } from './accountability-csv.js';
import { buildReport, type AccountabilityReport, type ReportDeps } from './accountability-report.js';

export interface AccountabilityExportOptions {
  format: 'csv' | 'json';
  facilityId?: number;
  /** The source's own legal exposure is left out unless this is chosen (and the caller holds the grant). */
  withSourceExposure?: boolean;
}

export const EXPORT_FORMAT = 'custodia-accountability-export/1';

/**
 * The case's accountability records as CSV or JSON. Observers and above. Source-exposure
 * proceedings and the person who is the source are left out — even for holders of the grant —
 * unless `withSourceExposure` is chosen explicitly.
 */
export async function exportAccountability(
  deps: ReportDeps,
  caller: Caller,
  caseId: number,
  opts: AccountabilityExportOptions,
): Promise<{ contentType: string; body: string; report: AccountabilityReport }> {
  const view = await accountabilityView(deps, caller, caseId, 'observer');
  if (opts.withSourceExposure && !view.seesSource) throw forbidden('exporting the source\'s legal exposure needs the source-identity grant', { where: 'withSourceExposure' });
  const scoped = opts.withSourceExposure
    ? view
    : { ...view, seesSource: false, hiddenPersons: new Set((await deps.persons.persons(caseId, undefined, true)).filter((p) => p.isSource).map((p) => p.id)) };
  const report = await buildReport(deps, scoped, caseId, opts.facilityId !== undefined ? { facilityId: opts.facilityId } : {});
  if (opts.format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: reportCsv(report), report };
  const body = JSON.stringify({ format: EXPORT_FORMAT, withSourceExposure: opts.withSourceExposure === true, ...report }, null, 2) + '\n';
  return { contentType: 'application/json; charset=utf-8', body, report };
}
